//! Recurrent layers as one operation: MXNet's fused `RNN` operator (`npx.rnn`) for vanilla
//! (tanh/ReLU), LSTM (with an optional projection) and GRU layers, stacked and optionally
//! bidirectional, and the fused gate step of the Gluon cells (`rnn_cell`).
//!
//! # The plan
//! For each layer and direction, the input projection of every time step is one GEMM
//! (`(T·N, in) × (in, G·H)`); each step then makes one GEMM for the recurrent projection of
//! the previous state and one fused gate kernel that adds the two projections and the biases,
//! applies the gate activations and writes the new state straight into the layer's output.
//! Backward runs through time in the reverse order: one gate kernel and one GEMM per step
//! (the state gradient), then the weight and bias gradients of all steps as a few large GEMMs.
//! The whole sequence is one graph node.
//!
//! The loops below are written once for every device: a backend supplies only
//! [`RnnKernels`] (a row-major GEMM on raw addresses and the two gate kernels); buffers are
//! ordinary dense tensors allocated on the input's device.
//!
//! # Layouts (MXNet's, so its saved weights load)
//! Gates are stacked along the rows of each weight matrix in the order LSTM `i, f, g, o` and
//! GRU `r, z, n`; the GRU's candidate is `n = tanh(Wx·x + bx + r ∘ (Wh·h + bh))`. The flat
//! parameter vector holds every weight first — for each layer, each direction (left-to-right,
//! then right-to-left): `i2h (G·H × in)`, `h2h (G·H × S)`, and with a projection `h2r (P × H)`
//! — then every bias — for each layer and direction: `i2h (G·H)`, `h2h (G·H)`. `S`, the state
//! size, is `P` with a projection and `H` without.

use super::conv::float_only;
use crate::autograd::graph::{BackwardFn, Saver};
use crate::dtype::DType;
use crate::error::{fmt_shape, Error, Result};
use crate::tensor::{Scalar, Tensor};

/// The recurrence of a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RnnMode {
    RnnRelu,
    RnnTanh,
    Lstm,
    Gru,
}

impl RnnMode {
    /// MXNet's mode names: `rnn_relu`, `rnn_tanh`, `lstm`, `gru`.
    pub fn from_name(name: &str) -> Result<RnnMode> {
        Ok(match name {
            "rnn_relu" => RnnMode::RnnRelu,
            "rnn_tanh" => RnnMode::RnnTanh,
            "lstm" => RnnMode::Lstm,
            "gru" => RnnMode::Gru,
            _ => return Err(Error::Value(format!("rnn: unknown mode {name:?}; expected 'rnn_relu', 'rnn_tanh', 'lstm' or 'gru'"))),
        })
    }

    /// The MXNet name of the mode.
    pub fn name(self) -> &'static str {
        match self {
            RnnMode::RnnRelu => "rnn_relu",
            RnnMode::RnnTanh => "rnn_tanh",
            RnnMode::Lstm => "lstm",
            RnnMode::Gru => "gru",
        }
    }

    /// Gates per hidden unit (rows of `i2h_weight` per unit).
    pub fn gates(self) -> usize {
        match self {
            RnnMode::RnnRelu | RnnMode::RnnTanh => 1,
            RnnMode::Lstm => 4,
            RnnMode::Gru => 3,
        }
    }

    /// Values per hidden unit and step that backward reads from the forward pass: the LSTM's
    /// four gate activations, the GRU's `r, z, n` and its recurrent candidate term. A vanilla
    /// layer needs only its output.
    fn kept(self) -> usize {
        match self {
            RnnMode::Lstm | RnnMode::Gru => 4,
            _ => 0,
        }
    }
}

/// A fused recurrent layer's hyper-parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct RnnConfig {
    pub mode: RnnMode,
    pub input_size: usize,
    pub hidden: usize,
    pub layers: usize,
    pub bidirectional: bool,
    /// LSTM only: the size the output and hidden state are projected to.
    pub projection: Option<usize>,
    /// LSTM only: the cell state is clipped to `[min, max]` after each step.
    pub clip: Option<(f64, f64)>,
    /// With `clip`: a NaN cell state becomes the lower bound instead of propagating.
    pub clip_nan: bool,
}

impl RnnConfig {
    pub fn dirs(&self) -> usize {
        1 + self.bidirectional as usize
    }

    /// The size of the hidden state `h` (and of each direction's output).
    pub fn state_size(&self) -> usize {
        self.projection.unwrap_or(self.hidden)
    }

    fn gate_rows(&self) -> usize {
        self.mode.gates() * self.hidden
    }

    fn layer_input(&self, layer: usize) -> usize {
        if layer == 0 {
            self.input_size
        } else {
            self.state_size() * self.dirs()
        }
    }

    fn unit_weights(&self, layer: usize) -> usize {
        let g = self.gate_rows();
        g * self.layer_input(layer) + g * self.state_size() + self.projection.map_or(0, |p| p * self.hidden)
    }

    /// The weights of the layers before `layer`, all directions (closed form: every layer
    /// after the first has the same size).
    fn weights_before(&self, layer: usize) -> usize {
        match layer {
            0 => 0,
            l => self.dirs() * (self.unit_weights(0) + (l - 1) * self.unit_weights(1)),
        }
    }

    fn all_weights(&self) -> usize {
        self.weights_before(self.layers)
    }

    /// The flat vector's length, or None when it does not fit in memory's address range
    /// (sizes from Python are unchecked; every other size here is at most this).
    fn checked_len(&self) -> Option<usize> {
        let (g, s, d) = (self.mode.gates().checked_mul(self.hidden)?, self.projection.unwrap_or(self.hidden), self.dirs());
        let proj = self.projection.map_or(Some(0), |p| p.checked_mul(self.hidden))?;
        let unit = |inputs: usize| g.checked_mul(inputs)?.checked_add(g.checked_mul(s)?)?.checked_add(proj);
        let first = unit(self.input_size)?;
        let rest = unit(s.checked_mul(d)?)?.checked_mul(self.layers - 1)?;
        let biases = self.layers.checked_mul(d)?.checked_mul(2)?.checked_mul(g)?;
        let total = first.checked_add(rest)?.checked_mul(d)?.checked_add(biases)?;
        (total <= isize::MAX as usize / 8).then_some(total)
    }

    /// Offsets of unit (`layer`, `dir`)'s `i2h`, `h2h` and `h2r` weights in the flat vector.
    fn weights(&self, layer: usize, dir: usize) -> (usize, usize, usize) {
        let before = self.weights_before(layer) + dir * self.unit_weights(layer);
        let g = self.gate_rows();
        let h2h = before + g * self.layer_input(layer);
        (before, h2h, h2h + g * self.state_size())
    }

    /// Offsets of unit (`layer`, `dir`)'s `i2h` and `h2h` biases.
    fn biases(&self, layer: usize, dir: usize) -> (usize, usize) {
        let i2h = self.all_weights() + (layer * self.dirs() + dir) * 2 * self.gate_rows();
        (i2h, i2h + self.gate_rows())
    }

    /// The length of the flat parameter vector.
    pub fn param_len(&self) -> usize {
        self.all_weights() + self.layers * self.dirs() * 2 * self.gate_rows()
    }

    fn check(&self) -> Result<()> {
        if self.hidden == 0 || self.layers == 0 {
            return Err(Error::Value(format!("rnn: state_size ({}) and num_layers ({}) must be positive", self.hidden, self.layers)));
        }
        if self.checked_len().is_none() {
            return Err(Error::Value(format!(
                "rnn: {} layer(s) of {} units (input size {}{}) need more parameters than memory can address",
                self.layers,
                self.hidden,
                self.input_size,
                self.projection.map_or(String::new(), |p| format!(", projection {p}"))
            )));
        }
        if self.mode != RnnMode::Lstm && (self.projection.is_some() || self.clip.is_some()) {
            return Err(Error::Value("rnn: projection_size and lstm_state_clip_* apply to mode 'lstm' only".into()));
        }
        if self.projection == Some(0) {
            return Err(Error::Value("rnn: projection_size must be positive".into()));
        }
        if let Some((lo, hi)) = self.clip {
            if lo.is_nan() || hi.is_nan() || lo > hi {
                return Err(Error::Value(format!("rnn: lstm_state_clip_min ({lo}) must not exceed lstm_state_clip_max ({hi})")));
            }
        }
        Ok(())
    }
}

// ---- backend primitives -----------------------------------------------------------------------

/// Rows of a matrix in memory: row `r`, column `j` at element `addr + r * ld + j` (as an
/// address: `addr + (r * ld + j) * size`). `addr == 0` means absent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Rows {
    pub addr: usize,
    pub ld: usize,
}

impl Rows {
    pub const NONE: Rows = Rows { addr: 0, ld: 0 };

    pub fn present(self) -> bool {
        self.addr != 0
    }
}

/// A row-major matrix product on raw addresses: `c (+)= op(a) · op(b)`, `c` being `m × n`.
/// `a` holds `m × k` (or `k × m` when `trans_a`) with row stride `lda`; `b` likewise.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Product {
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub a: Rows,
    pub trans_a: bool,
    pub b: Rows,
    pub trans_b: bool,
    pub c: Rows,
    pub accumulate: bool,
}

/// One step of the gates of `n` rows: the input projection `gx` and recurrent projection `gh`
/// (`n × G·H`, biases added here when present) and the previous state give the new state.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CellStep {
    pub mode: RnnMode,
    pub n: usize,
    pub hidden: usize,
    pub gx: Rows,
    pub gh: Rows,
    pub bias_x: usize,
    pub bias_h: usize,
    /// GRU: the previous hidden state.
    pub h_prev: Rows,
    /// LSTM: the previous cell state.
    pub c_prev: Rows,
    /// The new hidden state (the LSTM's before any projection).
    pub h: Rows,
    /// LSTM: the new cell state.
    pub c: Rows,
    /// `n × 4H` values kept for backward (LSTM: `i, f, g, o`; GRU: `r, z, n, Wh·h+bh` of the
    /// candidate), or absent when nothing is recorded.
    pub keep: Rows,
    pub clip: Option<(f64, f64)>,
    pub clip_nan: bool,
}

/// One step backward: the gradient of the step's hidden state (`dy + dh`, either may be
/// absent) and, for an LSTM, of its cell state `dc`, give the gradients of the two
/// projections' pre-activations (`dgx`, `dgh`: equal except for the GRU's candidate, and may
/// be the same buffer) and of the previous cell state (`dc_prev`, may be `dc` itself). The GRU
/// also writes the direct part of the previous hidden state's gradient (`dh * z`) to `dh_prev`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CellGrad {
    pub mode: RnnMode,
    pub n: usize,
    pub hidden: usize,
    pub dy: Rows,
    pub dh: Rows,
    pub dc: Rows,
    pub dc_prev: Rows,
    pub keep: Rows,
    pub c_prev: Rows,
    pub c: Rows,
    pub h_prev: Rows,
    /// Vanilla layers: the step's output (its activation's derivative is read from it).
    pub h: Rows,
    pub dgx: Rows,
    pub dgh: Rows,
    pub dh_prev: Rows,
    pub clip: Option<(f64, f64)>,
}

/// What a backend provides for recurrent layers. The addresses come from [`RnnKernels::rnn_addr`]
/// on dense tensors that outlive the call.
pub(crate) trait RnnKernels {
    /// The address of element 0 of dense tensor `t` (its layout offset included).
    fn rnn_addr(&self, t: &Tensor) -> Result<usize>;
    /// # Safety
    /// Every address must hold the rows the product reads or writes, in `dtype`.
    unsafe fn rnn_product(&self, dtype: DType, p: &Product) -> Result<()>;
    /// # Safety
    /// As `rnn_product`, for the step's buffers.
    unsafe fn rnn_cell_forward(&self, dtype: DType, s: &CellStep) -> Result<()>;
    /// # Safety
    /// As `rnn_product`, for the step's buffers.
    unsafe fn rnn_cell_backward(&self, dtype: DType, s: &CellGrad) -> Result<()>;
    /// One time step forward: the recurrent product `p` (`gh = h_prev · W_hhᵀ`, `p.b` the
    /// gate rows of `W_hh`, transposed), then the gates `s`. A backend may split the step by
    /// hidden units (each unit's gate columns of the product, then its gates).
    ///
    /// # Safety
    /// As `rnn_product`.
    unsafe fn rnn_step_forward(&self, dtype: DType, p: &Product, s: &CellStep) -> Result<()> {
        self.rnn_product(dtype, p)?;
        self.rnn_cell_forward(dtype, s)
    }
    /// One time step backward: the gates `s`, then the previous state's gradient `p`
    /// (`dh_prev (+)= dgh · W_hh`, `p.b` the gate rows of `W_hh`). A backend may split it by
    /// hidden units and sum the units' contributions.
    ///
    /// # Safety
    /// As `rnn_product`.
    unsafe fn rnn_step_backward(&self, dtype: DType, s: &CellGrad, p: &Product) -> Result<()> {
        self.rnn_cell_backward(dtype, s)?;
        self.rnn_product(dtype, p)
    }
}

// ---- the fused layer ----------------------------------------------------------------------------

/// What backward reads of one direction of one layer.
struct Unit {
    /// (T, N, 4H) gate values, LSTM and GRU.
    keep: Option<Tensor>,
    /// (T, N, H) cell states, LSTM.
    cells: Option<Tensor>,
    /// (T, N, H) hidden states before the projection.
    unprojected: Option<Tensor>,
}

/// What backward reads of one layer.
struct Layer {
    /// (T, N, in): the layer's input (after the dropout of the layer below).
    input: Tensor,
    /// (T, N, D·S): its output.
    output: Tensor,
    units: Vec<Unit>,
}

/// The forward pass's results: the last layer's output, the final states, and (when a graph
/// is recorded) what backward reads.
struct Forward {
    out: Tensor,
    hy: Tensor,
    cy: Option<Tensor>,
    layers: Vec<Layer>,
}

/// Dense operands of one call, checked.
struct Operands {
    x: Tensor,
    w: Tensor,
    hx: Tensor,
    cx: Option<Tensor>,
    masks: Option<Tensor>,
}

fn dense(t: &Tensor) -> Result<Tensor> {
    t.contiguous()
}

impl Tensor {
    /// The fused recurrent layer, MXNet's `RNN` operator: `self` is the input `(T, N, in)`,
    /// `params` the flat parameter vector (see the module doc), `hx` the initial hidden states
    /// `(L·D, N, S)` and `cx` the LSTM's initial cell states `(L·D, N, H)`. `dropout_masks`,
    /// when given, is `(L-1, T, N, D·S)`: each layer's output but the last is multiplied by
    /// its mask (the caller draws it, scaled by `1/(1-p)`). Returns the output `(T, N, D·S)`,
    /// the final hidden states and (LSTM) cell states; one graph node when recording.
    ///
    /// ```
    /// use deepblocks::{DType, Device, Tensor};
    /// use deepblocks::ops::rnn::{RnnConfig, RnnMode};
    /// let cfg = RnnConfig { mode: RnnMode::RnnTanh, input_size: 3, hidden: 2, layers: 1,
    ///                       bidirectional: false, projection: None, clip: None, clip_nan: false };
    /// let x = Tensor::zeros(&[5, 4, 3], DType::F32, Device::Cpu(0)).unwrap();
    /// let w = Tensor::zeros(&[cfg.param_len()], DType::F32, Device::Cpu(0)).unwrap();
    /// let h0 = Tensor::zeros(&[1, 4, 2], DType::F32, Device::Cpu(0)).unwrap();
    /// let (out, hy, cy) = x.rnn(&w, &h0, None, None, &cfg).unwrap();
    /// assert_eq!((out.shape(), hy.shape(), cy.is_none()), (&[5, 4, 2][..], &[1, 4, 2][..], true));
    /// ```
    pub fn rnn(&self, params: &Tensor, hx: &Tensor, cx: Option<&Tensor>, dropout_masks: Option<&Tensor>, cfg: &RnnConfig) -> Result<(Tensor, Tensor, Option<Tensor>)> {
        cfg.check()?;
        check_operands(self, params, hx, cx, dropout_masks, cfg)?;
        let recording = crate::autograd::is_recording();
        let ops = crate::autograd::paused(|| -> Result<Operands> {
            Ok(Operands { x: dense(self)?, w: dense(params)?, hx: dense(hx)?, cx: cx.map(dense).transpose()?, masks: dropout_masks.map(dense).transpose()? })
        })?;
        let fwd = crate::autograd::paused(|| forward(&ops, cfg, recording))?;
        let (t, n, ds) = (self.shape()[0], self.shape()[1], cfg.state_size() * cfg.dirs());
        let sizes = [fwd.out.numel(), fwd.hy.numel(), fwd.cy.as_ref().map_or(0, Tensor::numel)];
        let lstm = cfg.mode == RnnMode::Lstm;
        let inputs: Vec<&Tensor> = [Some(self), Some(params), Some(hx), cx].into_iter().flatten().collect();
        if !recording {
            return Ok((fwd.out, fwd.hy, fwd.cy));
        }
        // One node for the whole layer: its value is the three results packed end to end,
        // and each result is a (recorded) view of it, so their gradients meet in one buffer.
        let packed = crate::autograd::paused(|| {
            let mut parts = vec![fwd.out.reshape(&[sizes[0]])?, fwd.hy.reshape(&[sizes[1]])?];
            if let Some(c) = &fwd.cy {
                parts.push(c.reshape(&[sizes[2]])?);
            }
            Tensor::concatenate(&parts, Some(0))
        })?;
        let hy_shape = fwd.hy.shape().to_vec();
        let cy_shape = fwd.cy.as_ref().map(|c| c.shape().to_vec());
        let node = crate::autograd::track("rnn", &inputs, || Ok(packed), |s| rnn_rule(s, ops, cfg.clone(), fwd.layers, sizes))?;
        let part = |start: usize, len: usize, shape: &[usize]| -> Result<Tensor> {
            use super::index::Index;
            node.index(&[Index::Slice { start: Some(start as isize), stop: Some((start + len) as isize), step: None }])?.reshape(shape)
        };
        let out = part(0, sizes[0], &[t, n, ds])?;
        let hy = part(sizes[0], sizes[1], &hy_shape)?;
        let cy = if lstm { Some(part(sizes[0] + sizes[1], sizes[2], cy_shape.as_deref().unwrap_or(&[]))?) } else { None };
        Ok((out, hy, cy))
    }
}

fn check_operands(x: &Tensor, w: &Tensor, hx: &Tensor, cx: Option<&Tensor>, masks: Option<&Tensor>, cfg: &RnnConfig) -> Result<()> {
    if x.ndim() != 3 {
        return Err(Error::Shape(format!("rnn: data must be 3-D (sequence length, batch size, input size), got shape {}", fmt_shape(x.shape()))));
    }
    if !x.dtype().is_float() {
        return Err(Error::DType(format!("rnn: data must be float32 or float64, got {}", x.dtype())));
    }
    let (t, n) = (x.shape()[0], x.shape()[1]);
    if x.shape()[2] != cfg.input_size {
        return Err(Error::Shape(format!("rnn: data shape {} does not match input size {}", fmt_shape(x.shape()), cfg.input_size)));
    }
    if w.shape() != [cfg.param_len()] {
        return Err(Error::Shape(format!(
            "rnn: the parameter vector has shape {} but {} layer(s) of {} units (mode '{}', input size {}{}{}) need ({},)",
            fmt_shape(w.shape()),
            cfg.layers,
            cfg.hidden,
            cfg.mode.name(),
            cfg.input_size,
            if cfg.bidirectional { ", bidirectional" } else { "" },
            cfg.projection.map_or(String::new(), |p| format!(", projection {p}")),
            cfg.param_len()
        )));
    }
    let units = cfg.layers * cfg.dirs();
    let want_h = [units, n, cfg.state_size()];
    if hx.shape() != want_h {
        return Err(Error::Shape(format!("rnn: the initial state has shape {} but must be {} for data shape {}", fmt_shape(hx.shape()), fmt_shape(&want_h), fmt_shape(x.shape()))));
    }
    let want_c = [units, n, cfg.hidden];
    match (cfg.mode, cx) {
        (RnnMode::Lstm, None) => return Err(Error::Value("rnn: mode 'lstm' needs the initial cell state (state_cell)".into())),
        (RnnMode::Lstm, Some(c)) if c.shape() != want_c => {
            return Err(Error::Shape(format!("rnn: the initial cell state has shape {} but must be {} for data shape {}", fmt_shape(c.shape()), fmt_shape(&want_c), fmt_shape(x.shape()))))
        }
        (RnnMode::Lstm, Some(_)) => {}
        (_, Some(_)) => return Err(Error::Value(format!("rnn: a cell state (state_cell) is given, but mode '{}' has none", cfg.mode.name()))),
        (_, None) => {}
    }
    if let Some(m) = masks {
        let want = [cfg.layers - 1, t, n, cfg.state_size() * cfg.dirs()];
        if m.shape() != want {
            return Err(Error::Shape(format!("rnn: dropout masks have shape {} but must be {}", fmt_shape(m.shape()), fmt_shape(&want))));
        }
    }
    for (name, o) in [("parameters", Some(w)), ("state", Some(hx)), ("state_cell", cx), ("dropout masks", masks)] {
        if let Some(o) = o {
            x.same_device(o, "rnn")?;
            if o.dtype() != x.dtype() {
                return Err(Error::DType(format!("rnn: {name} is {} but the data is {}", o.dtype(), x.dtype())));
            }
        }
    }
    Ok(())
}

/// Addresses of rows inside a dense buffer.
#[derive(Clone, Copy)]
struct Buf {
    base: usize,
    size: usize,
}

impl Buf {
    fn of(k: &dyn RnnKernels, t: &Tensor) -> Result<Buf> {
        Ok(Buf { base: k.rnn_addr(t)?, size: t.dtype().size() })
    }

    /// Rows starting at element `offset`, `ld` elements apart.
    fn rows(self, offset: usize, ld: usize) -> Rows {
        Rows { addr: self.base + offset * self.size, ld }
    }
}

fn zeros_like_dtype(shape: &[usize], like: &Tensor) -> Result<Tensor> {
    Tensor::zeros(shape, like.dtype(), like.device())
}

/// The time index of processing step `step` of direction `dir` (the reverse direction runs
/// from the last step to the first), and the index of the step before it, if any.
fn step_time(dir: usize, step: usize, t_len: usize) -> (usize, Option<usize>) {
    let t = if dir == 0 { step } else { t_len - 1 - step };
    let prev = (step > 0).then(|| if dir == 0 { t - 1 } else { t + 1 });
    (t, prev)
}

fn forward(ops: &Operands, cfg: &RnnConfig, keep: bool) -> Result<Forward> {
    let k = super::backend::on(ops.x.device())?;
    let k: &dyn RnnKernels = k;
    let dt = ops.x.dtype();
    let (t_len, n) = (ops.x.shape()[0], ops.x.shape()[1]);
    let (h, s, dirs, g) = (cfg.hidden, cfg.state_size(), cfg.dirs(), cfg.gate_rows());
    let lstm = cfg.mode == RnnMode::Lstm;
    let units = cfg.layers * dirs;
    if t_len == 0 || n == 0 {
        return Ok(Forward { out: zeros_like_dtype(&[t_len, n, dirs * s], &ops.x)?, hy: ops.hx.copy()?, cy: ops.cx.as_ref().map(Tensor::copy).transpose()?, layers: Vec::new() });
    }
    let w = Buf::of(k, &ops.w)?;
    let hx = Buf::of(k, &ops.hx)?;
    let cx = ops.cx.as_ref().map(|c| Buf::of(k, c)).transpose()?;
    let gh_t = zeros_like_dtype(&[n, g], &ops.x)?;
    let gh = Buf::of(k, &gh_t)?;
    let mut input = ops.x.clone();
    let mut layers = Vec::with_capacity(cfg.layers);
    let mut finals_h = Vec::with_capacity(units);
    let mut finals_c = Vec::with_capacity(units);
    for l in 0..cfg.layers {
        let inl = cfg.layer_input(l);
        let output = zeros_like_dtype(&[t_len, n, dirs * s], &ops.x)?;
        let (ib, ob) = (Buf::of(k, &input)?, Buf::of(k, &output)?);
        let gx_t = zeros_like_dtype(&[t_len * n, g], &ops.x)?;
        let gx = Buf::of(k, &gx_t)?;
        let mut unit_bufs = Vec::with_capacity(dirs);
        for d in 0..dirs {
            let u = l * dirs + d;
            let (wi, wh, wr) = cfg.weights(l, d);
            let (bi, bh) = cfg.biases(l, d);
            // Every step's input projection in one product.
            unsafe {
                k.rnn_product(dt, &Product { m: t_len * n, n: g, k: inl, a: ib.rows(0, inl), trans_a: false, b: w.rows(wi, inl), trans_b: true, c: gx.rows(0, g), accumulate: false })?;
            }
            let keep_t = (keep && cfg.mode.kept() > 0).then(|| zeros_like_dtype(&[t_len, n, 4 * h], &ops.x)).transpose()?;
            let cells_t = lstm.then(|| zeros_like_dtype(&[t_len, n, h], &ops.x)).transpose()?;
            let unproj_t = cfg.projection.map(|_| zeros_like_dtype(&[t_len, n, h], &ops.x)).transpose()?;
            let kb = keep_t.as_ref().map(|t| Buf::of(k, t)).transpose()?;
            let cb = cells_t.as_ref().map(|t| Buf::of(k, t)).transpose()?;
            let pb = unproj_t.as_ref().map(|t| Buf::of(k, t)).transpose()?;
            for step in 0..t_len {
                let (t, prev) = step_time(d, step, t_len);
                let h_prev = match prev {
                    None => hx.rows(u * n * s, s),
                    Some(p) => ob.rows(p * n * dirs * s + d * s, dirs * s),
                };
                let c_prev = match (prev, cb, cx) {
                    (None, _, Some(cx)) => cx.rows(u * n * h, h),
                    (Some(p), Some(cb), _) => cb.rows(p * n * h, h),
                    _ => Rows::NONE,
                };
                let out_rows = ob.rows(t * n * dirs * s + d * s, dirs * s);
                let h_rows = match pb {
                    Some(pb) => pb.rows(t * n * h, h),
                    None => out_rows,
                };
                unsafe {
                    k.rnn_step_forward(
                        dt,
                        &Product { m: n, n: g, k: s, a: h_prev, trans_a: false, b: w.rows(wh, s), trans_b: true, c: gh.rows(0, g), accumulate: false },
                        &CellStep {
                            mode: cfg.mode,
                            n,
                            hidden: h,
                            gx: gx.rows(t * n * g, g),
                            gh: gh.rows(0, g),
                            bias_x: w.rows(bi, 0).addr,
                            bias_h: w.rows(bh, 0).addr,
                            h_prev,
                            c_prev,
                            h: h_rows,
                            c: cb.map_or(Rows::NONE, |cb| cb.rows(t * n * h, h)),
                            keep: kb.map_or(Rows::NONE, |kb| kb.rows(t * n * 4 * h, 4 * h)),
                            clip: cfg.clip,
                            clip_nan: cfg.clip_nan,
                        },
                    )?;
                    if cfg.projection.is_some() {
                        k.rnn_product(dt, &Product { m: n, n: s, k: h, a: h_rows, trans_a: false, b: w.rows(wr, h), trans_b: true, c: out_rows, accumulate: false })?;
                    }
                }
            }
            let last = if d == 0 { t_len - 1 } else { 0 };
            finals_h.push(output.view(output.layout().select(0, last).slice(1, d * s, s, 1)));
            if let Some(c) = &cells_t {
                finals_c.push(c.view(c.layout().select(0, last)));
            }
            unit_bufs.push(Unit { keep: keep_t, cells: cells_t, unprojected: unproj_t });
        }
        let next = match (&ops.masks, l + 1 < cfg.layers) {
            (Some(m), true) => output.mul(&m.view(m.layout().select(0, l)))?,
            _ => output.clone(),
        };
        if keep {
            layers.push(Layer { input, output, units: unit_bufs });
        }
        input = next;
    }
    let hy = Tensor::stack(&finals_h, 0)?;
    let cy = if lstm { Some(Tensor::stack(&finals_c, 0)?) } else { None };
    Ok(Forward { out: input, hy, cy, layers })
}

/// The backward rule of the fused layer.
fn rnn_rule(s: &mut Saver, ops: Operands, cfg: RnnConfig, layers: Vec<Layer>, sizes: [usize; 3]) -> BackwardFn {
    let x = s.keep(&ops.x);
    let w = s.keep(&ops.w);
    let hx = s.keep(&ops.hx);
    let cx = ops.cx.as_ref().map(|c| s.keep(c));
    let masks = ops.masks.clone();
    let has_c = cx.is_some();
    Box::new(move |gy, _| {
        let gy = crate::autograd::paused(|| gy.contiguous())?;
        let shape = x.shape();
        let (t_len, n) = (shape[0], shape[1]);
        let units = cfg.layers * cfg.dirs();
        let flat = crate::autograd::paused(|| gy.reshape(&[gy.numel()]))?;
        let piece = |start: usize, len: usize, shape: &[usize]| crate::autograd::paused(|| flat.view(flat.layout().slice(0, start, len, 1)).reshape(shape)?.contiguous());
        let d_out = piece(0, sizes[0], &[t_len, n, cfg.state_size() * cfg.dirs()])?;
        let d_hy = piece(sizes[0], sizes[1], &[units, n, cfg.state_size()])?;
        let d_cy = if has_c { Some(piece(sizes[0] + sizes[1], sizes[2], &[units, n, cfg.hidden])?) } else { None };
        let (dx, dw, dhx, dcx) = crate::autograd::paused(|| backward(&x, &w, &hx, cx.as_ref(), masks.as_ref(), &cfg, &layers, &d_out, &d_hy, d_cy.as_ref()))?;
        let mut grads = vec![Some(dx), Some(dw), Some(dhx)];
        if has_c {
            grads.push(dcx);
        }
        Ok(grads)
    })
}

type Grads = (Tensor, Tensor, Tensor, Option<Tensor>);

#[allow(clippy::too_many_arguments)]
fn backward(x: &Tensor, w_t: &Tensor, hx_t: &Tensor, cx_t: Option<&Tensor>, masks: Option<&Tensor>, cfg: &RnnConfig, layers: &[Layer], d_out: &Tensor, d_hy: &Tensor, d_cy: Option<&Tensor>) -> Result<Grads> {
    let (t_len, n) = (x.shape()[0], x.shape()[1]);
    if t_len == 0 || n == 0 {
        return Ok((zeros_like_dtype(x.shape(), x)?, zeros_like_dtype(w_t.shape(), x)?, d_hy.copy()?, d_cy.map(Tensor::copy).transpose()?));
    }
    let k = super::backend::on(x.device())?;
    let k: &dyn RnnKernels = k;
    let dt = x.dtype();
    let (h, s, dirs, g) = (cfg.hidden, cfg.state_size(), cfg.dirs(), cfg.gate_rows());
    let (lstm, gru) = (cfg.mode == RnnMode::Lstm, cfg.mode == RnnMode::Gru);
    let dw_t = zeros_like_dtype(w_t.shape(), x)?;
    let dhx_t = zeros_like_dtype(hx_t.shape(), x)?;
    let dcx_t = cx_t.map(|c| zeros_like_dtype(c.shape(), x)).transpose()?;
    let ones_t = Tensor::full(&[t_len * n], Scalar::Float(1.0), dt, x.device())?;
    let (w, dw, hx, dhx, ones) = (Buf::of(k, w_t)?, Buf::of(k, &dw_t)?, Buf::of(k, hx_t)?, Buf::of(k, &dhx_t)?, Buf::of(k, &ones_t)?);
    let cx = cx_t.map(|c| Buf::of(k, c)).transpose()?;
    let dcx = dcx_t.as_ref().map(|c| Buf::of(k, c)).transpose()?;
    let dhy = Buf::of(k, d_hy)?;
    let dcy = d_cy.map(|c| Buf::of(k, c)).transpose()?;
    let dh_t = [zeros_like_dtype(&[n, s], x)?, zeros_like_dtype(&[n, s], x)?];
    let dh_bufs = [Buf::of(k, &dh_t[0])?, Buf::of(k, &dh_t[1])?];
    let dc_t = zeros_like_dtype(&[n, h], x)?;
    let dc_buf = Buf::of(k, &dc_t)?;
    let dhc_t = zeros_like_dtype(&[n, h], x)?;
    let dhc = Buf::of(k, &dhc_t)?;
    let mut dy_t = d_out.clone();
    let mut dx = None;
    for l in (0..cfg.layers).rev() {
        let layer = &layers[l];
        let inl = cfg.layer_input(l);
        let dxl_t = zeros_like_dtype(&[t_len, n, inl], x)?;
        let dgx_t = zeros_like_dtype(&[t_len * n, g], x)?;
        let dgh_t = if gru { Some(zeros_like_dtype(&[t_len * n, g], x)?) } else { None };
        let (dy, dxl, dgx, ib, ob) = (Buf::of(k, &dy_t)?, Buf::of(k, &dxl_t)?, Buf::of(k, &dgx_t)?, Buf::of(k, &layer.input)?, Buf::of(k, &layer.output)?);
        let dgh = match &dgh_t {
            Some(t) => Buf::of(k, t)?,
            None => dgx,
        };
        for d in 0..dirs {
            let u = l * dirs + d;
            let unit = &layer.units[d];
            let (wi, wh, wr) = cfg.weights(l, d);
            let (bi, bh) = cfg.biases(l, d);
            let kb = unit.keep.as_ref().map(|t| Buf::of(k, t)).transpose()?;
            let cb = unit.cells.as_ref().map(|t| Buf::of(k, t)).transpose()?;
            let pb = unit.unprojected.as_ref().map(|t| Buf::of(k, t)).transpose()?;
            // The gradient reaching the state of the step processed last: the final state's.
            let mut dh = dhy.rows(u * n * s, s);
            let mut dc = dcy.map_or(Rows::NONE, |b| b.rows(u * n * h, h));
            for step in (0..t_len).rev() {
                let (t, prev) = step_time(d, step, t_len);
                let dh_prev = if step == 0 { dhx.rows(u * n * s, s) } else { dh_bufs[step % 2].rows(0, s) };
                let dc_prev = match (step == 0, dcx) {
                    (true, Some(b)) => b.rows(u * n * h, h),
                    (false, _) if lstm => dc_buf.rows(0, h),
                    _ => Rows::NONE,
                };
                let dy_rows = dy.rows(t * n * dirs * s + d * s, dirs * s);
                let h_prev = match prev {
                    None => hx.rows(u * n * s, s),
                    Some(p) => ob.rows(p * n * dirs * s + d * s, dirs * s),
                };
                let c_prev = match (prev, cb, cx) {
                    (None, _, Some(cx)) => cx.rows(u * n * h, h),
                    (Some(p), Some(cb), _) => cb.rows(p * n * h, h),
                    _ => Rows::NONE,
                };
                unsafe {
                    let (cell_dy, cell_dh) = match pb {
                        Some(pb) => {
                            // The projection: dh_cell = (dy + dh) · W_hr; W_hr's gradient from dh
                            // here, from dy in one product after the loop.
                            k.rnn_product(dt, &Product { m: n, n: h, k: s, a: dy_rows, trans_a: false, b: w.rows(wr, h), trans_b: false, c: dhc.rows(0, h), accumulate: false })?;
                            k.rnn_product(dt, &Product { m: n, n: h, k: s, a: dh, trans_a: false, b: w.rows(wr, h), trans_b: false, c: dhc.rows(0, h), accumulate: true })?;
                            k.rnn_product(dt, &Product { m: s, n: h, k: n, a: dh, trans_a: true, b: pb.rows(t * n * h, h), trans_b: false, c: dw.rows(wr, h), accumulate: true })?;
                            (Rows::NONE, dhc.rows(0, h))
                        }
                        None => (dy_rows, dh),
                    };
                    k.rnn_step_backward(
                        dt,
                        &CellGrad {
                            mode: cfg.mode,
                            n,
                            hidden: h,
                            dy: cell_dy,
                            dh: cell_dh,
                            dc,
                            dc_prev,
                            keep: kb.map_or(Rows::NONE, |b| b.rows(t * n * 4 * h, 4 * h)),
                            c_prev,
                            c: cb.map_or(Rows::NONE, |b| b.rows(t * n * h, h)),
                            h_prev,
                            h: ob.rows(t * n * dirs * s + d * s, dirs * s),
                            dgx: dgx.rows(t * n * g, g),
                            dgh: dgh.rows(t * n * g, g),
                            dh_prev,
                            clip: cfg.clip,
                        },
                        // The previous state's gradient through the recurrent weights (added
                        // to the GRU's direct term).
                        &Product { m: n, n: s, k: g, a: dgh.rows(t * n * g, g), trans_a: false, b: w.rows(wh, s), trans_b: false, c: dh_prev, accumulate: gru },
                    )?;
                }
                dh = dh_prev;
                dc = dc_prev;
            }
            unsafe {
                // Weight gradients of all steps at once.
                k.rnn_product(dt, &Product { m: g, n: inl, k: t_len * n, a: dgx.rows(0, g), trans_a: true, b: ib.rows(0, inl), trans_b: false, c: dw.rows(wi, inl), accumulate: false })?;
                // h2h: the steps whose previous state is an output of this layer, then the
                // first step's, whose previous state is the initial one.
                let (later, earlier_out, first_t) = if d == 0 { (n, 0, 0) } else { (0, n, t_len - 1) };
                k.rnn_product(
                    dt,
                    &Product { m: g, n: s, k: (t_len - 1) * n, a: dgh.rows(later * g, g), trans_a: true, b: ob.rows(earlier_out * dirs * s + d * s, dirs * s), trans_b: false, c: dw.rows(wh, s), accumulate: false },
                )?;
                k.rnn_product(dt, &Product { m: g, n: s, k: n, a: dgh.rows(first_t * n * g, g), trans_a: true, b: hx.rows(u * n * s, s), trans_b: false, c: dw.rows(wh, s), accumulate: true })?;
                if let Some(pb) = pb {
                    k.rnn_product(dt, &Product { m: s, n: h, k: t_len * n, a: dy.rows(d * s, dirs * s), trans_a: true, b: pb.rows(0, h), trans_b: false, c: dw.rows(wr, h), accumulate: true })?;
                }
                // Bias gradients: column sums, as a product with a row of ones.
                k.rnn_product(dt, &Product { m: 1, n: g, k: t_len * n, a: ones.rows(0, t_len * n), trans_a: false, b: dgx.rows(0, g), trans_b: false, c: dw.rows(bi, g), accumulate: false })?;
                k.rnn_product(dt, &Product { m: 1, n: g, k: t_len * n, a: ones.rows(0, t_len * n), trans_a: false, b: dgh.rows(0, g), trans_b: false, c: dw.rows(bh, g), accumulate: false })?;
                // The input's gradient, summed over the directions.
                k.rnn_product(dt, &Product { m: t_len * n, n: inl, k: g, a: dgx.rows(0, g), trans_a: false, b: w.rows(wi, inl), trans_b: false, c: dxl.rows(0, inl), accumulate: d > 0 })?;
            }
        }
        if l > 0 {
            dy_t = match masks {
                Some(m) => dxl_t.mul(&m.view(m.layout().select(0, l - 1)))?,
                None => dxl_t,
            };
        } else {
            dx = Some(dxl_t);
        }
    }
    let dx = dx.ok_or_else(|| Error::Value("rnn: no layers".into()))?;
    Ok((dx, dw_t, dhx_t, dcx_t))
}

// ---- the Gluon cells' fused gates ----------------------------------------------------------------

impl Tensor {
    /// The gate step of a Gluon cell, one graph node: `self` is the input projection `i2h`
    /// `(N, G·H)` and `h2h` the recurrent one, biases included; `prev` is the previous cell
    /// state (LSTM) or hidden state (GRU), unused by vanilla cells. Returns the new hidden
    /// state and, for an LSTM, the new cell state stacked behind it: `(2, N, H)`; `(N, H)`
    /// otherwise.
    pub fn rnn_cell(&self, h2h: &Tensor, prev: Option<&Tensor>, mode: RnnMode) -> Result<Tensor> {
        let gates = mode.gates();
        let (i2h, h2h) = (self, h2h);
        if i2h.ndim() != 2 || i2h.shape()[1] % gates != 0 || h2h.shape() != i2h.shape() {
            return Err(Error::Shape(format!(
                "rnn_cell: i2h and h2h must both be (batch, {gates} * hidden) for mode '{}', got {} and {}",
                mode.name(),
                fmt_shape(i2h.shape()),
                fmt_shape(h2h.shape())
            )));
        }
        if !i2h.dtype().is_float() || h2h.dtype() != i2h.dtype() {
            return Err(Error::DType(format!("rnn_cell: i2h and h2h must share a float dtype, got {} and {}", i2h.dtype(), h2h.dtype())));
        }
        i2h.same_device(h2h, "rnn_cell")?;
        let (n, h) = (i2h.shape()[0], i2h.shape()[1] / gates);
        let needs_prev = matches!(mode, RnnMode::Lstm | RnnMode::Gru);
        let prev_arg = if needs_prev { prev } else { None };
        let prev = match (needs_prev, prev) {
            (true, Some(p)) if p.shape() == [n, h] && p.dtype() == i2h.dtype() => {
                i2h.same_device(p, "rnn_cell")?;
                Some(crate::autograd::paused(|| dense(p))?)
            }
            (true, Some(p)) => {
                return Err(Error::Shape(format!("rnn_cell: the previous state has shape {} ({}), expected ({n}, {h}) ({})", fmt_shape(p.shape()), p.dtype(), i2h.dtype())))
            }
            (true, None) => return Err(Error::Value(format!("rnn_cell: mode '{}' needs the previous state", mode.name()))),
            (false, _) => None,
        };
        let (a, b) = crate::autograd::paused(|| Ok::<_, Error>((dense(i2h)?, dense(h2h)?)))?;
        let recording = crate::autograd::is_recording();
        let (out, keep) = crate::autograd::paused(|| cell_forward(&a, &b, prev.as_ref(), mode, recording))?;
        let mut inputs = vec![i2h, h2h];
        if let Some(p) = prev_arg {
            inputs.push(p);
        }
        crate::autograd::track("rnn_cell", &inputs, || Ok(out), |s| cell_rule(s, mode, prev.clone(), keep))
    }
}

fn cell_forward(i2h: &Tensor, h2h: &Tensor, prev: Option<&Tensor>, mode: RnnMode, keep: bool) -> Result<(Tensor, Option<Tensor>)> {
    let k = super::backend::on(i2h.device())?;
    let k: &dyn RnnKernels = k;
    let (n, h) = (i2h.shape()[0], i2h.shape()[1] / mode.gates());
    let g = mode.gates() * h;
    let lstm = mode == RnnMode::Lstm;
    let shape: &[usize] = if lstm { &[2, n, h] } else { &[n, h] };
    let out = zeros_like_dtype(shape, i2h)?;
    let kept = (keep && mode.kept() > 0).then(|| zeros_like_dtype(&[n, 4 * h], i2h)).transpose()?;
    if n * h > 0 {
        let (a, b, o) = (Buf::of(k, i2h)?, Buf::of(k, h2h)?, Buf::of(k, &out)?);
        let p = prev.map(|p| Buf::of(k, p)).transpose()?;
        let kb = kept.as_ref().map(|t| Buf::of(k, t)).transpose()?;
        unsafe {
            k.rnn_cell_forward(
                i2h.dtype(),
                &CellStep {
                    mode,
                    n,
                    hidden: h,
                    gx: a.rows(0, g),
                    gh: b.rows(0, g),
                    bias_x: 0,
                    bias_h: 0,
                    h_prev: if mode == RnnMode::Gru { p.map_or(Rows::NONE, |p| p.rows(0, h)) } else { Rows::NONE },
                    c_prev: if lstm { p.map_or(Rows::NONE, |p| p.rows(0, h)) } else { Rows::NONE },
                    h: o.rows(0, h),
                    c: if lstm { o.rows(n * h, h) } else { Rows::NONE },
                    keep: kb.map_or(Rows::NONE, |b| b.rows(0, 4 * h)),
                    clip: None,
                    clip_nan: false,
                },
            )?;
        }
    }
    Ok((out, kept))
}

fn cell_rule(s: &mut Saver, mode: RnnMode, prev: Option<Tensor>, kept: Option<Tensor>) -> BackwardFn {
    let out = s.output();
    let prev = prev.map(|p| s.keep(&p));
    Box::new(move |gy, _| {
        crate::autograd::paused(|| {
            let gy = gy.contiguous()?;
            let k = super::backend::on(gy.device())?;
            let k: &dyn RnnKernels = k;
            let lstm = mode == RnnMode::Lstm;
            let (n, h) = (out.shape()[out.ndim() - 2], out.shape()[out.ndim() - 1]);
            let g = mode.gates() * h;
            let dgx_t = zeros_like_dtype(&[n, g], &gy)?;
            let dgh_t = if mode == RnnMode::Gru { zeros_like_dtype(&[n, g], &gy)? } else { dgx_t.clone() };
            let dprev_t = prev.as_ref().map(|p| zeros_like_dtype(p.shape(), &gy)).transpose()?;
            if n * h > 0 {
                let (dy, o, dgx, dgh) = (Buf::of(k, &gy)?, Buf::of(k, &out)?, Buf::of(k, &dgx_t)?, Buf::of(k, &dgh_t)?);
                let p = prev.as_ref().map(|p| Buf::of(k, p)).transpose()?;
                let dp = dprev_t.as_ref().map(|p| Buf::of(k, p)).transpose()?;
                let kb = kept.as_ref().map(|t| Buf::of(k, t)).transpose()?;
                let pick = |b: Option<Buf>, on: bool| if on { b.map_or(Rows::NONE, |b| b.rows(0, h)) } else { Rows::NONE };
                unsafe {
                    k.rnn_cell_backward(
                        gy.dtype(),
                        &CellGrad {
                            mode,
                            n,
                            hidden: h,
                            dy: dy.rows(0, h),
                            dh: Rows::NONE,
                            dc: if lstm { dy.rows(n * h, h) } else { Rows::NONE },
                            dc_prev: pick(dp, lstm),
                            keep: kb.map_or(Rows::NONE, |b| b.rows(0, 4 * h)),
                            c_prev: pick(p, lstm),
                            c: if lstm { o.rows(n * h, h) } else { Rows::NONE },
                            h_prev: pick(p, mode == RnnMode::Gru),
                            h: o.rows(0, h),
                            dgx: dgx.rows(0, g),
                            dgh: dgh.rows(0, g),
                            dh_prev: pick(dp, mode == RnnMode::Gru),
                            clip: None,
                        },
                    )?;
                }
            }
            let mut grads = vec![Some(dgx_t), Some(dgh_t)];
            if let Some(dp) = dprev_t {
                grads.push(Some(dp));
            }
            Ok(grads)
        })
    })
}

// ---- CPU kernels ---------------------------------------------------------------------------------

impl RnnKernels for crate::cpu::Cpu {
    fn rnn_addr(&self, t: &Tensor) -> Result<usize> {
        // Read access: taking the write lock would count as a modification of the inputs
        // (autograd's version check). The op writes only into buffers it allocated itself.
        float_only!(t, "rnn", T => super::with_ptr::<T, _>(t, |p| Ok(p.wrapping_add(t.layout().offset()) as usize)))
    }

    unsafe fn rnn_product(&self, dtype: DType, p: &Product) -> Result<()> {
        match dtype {
            DType::F32 => cpu::product::<f32>(p),
            DType::F64 => cpu::product::<f64>(p),
            d => return Err(Error::DType(format!("rnn: unsupported dtype {d}"))),
        }
        Ok(())
    }

    unsafe fn rnn_cell_forward(&self, dtype: DType, s: &CellStep) -> Result<()> {
        match dtype {
            DType::F32 => cpu::cell_forward::<f32>(s),
            DType::F64 => cpu::cell_forward::<f64>(s),
            d => return Err(Error::DType(format!("rnn: unsupported dtype {d}"))),
        }
        Ok(())
    }

    unsafe fn rnn_cell_backward(&self, dtype: DType, s: &CellGrad) -> Result<()> {
        match dtype {
            DType::F32 => cpu::cell_backward::<f32>(s),
            DType::F64 => cpu::cell_backward::<f64>(s),
            d => return Err(Error::DType(format!("rnn: unsupported dtype {d}"))),
        }
        Ok(())
    }

    unsafe fn rnn_step_forward(&self, dtype: DType, p: &Product, s: &CellStep) -> Result<()> {
        match dtype {
            DType::F32 => cpu::step_forward::<f32>(p, s),
            DType::F64 => cpu::step_forward::<f64>(p, s),
            d => return Err(Error::DType(format!("rnn: unsupported dtype {d}"))),
        }
        Ok(())
    }

    unsafe fn rnn_step_backward(&self, dtype: DType, s: &CellGrad, p: &Product) -> Result<()> {
        match dtype {
            DType::F32 => cpu::step_backward::<f32>(s, p),
            DType::F64 => cpu::step_backward::<f64>(s, p),
            d => return Err(Error::DType(format!("rnn: unsupported dtype {d}"))),
        }
        Ok(())
    }
}

/// The CPU side: products through the `gemm` crate, gate kernels as plain loops over rows
/// (rows in parallel when a step is large).
mod cpu {
    use super::{CellGrad, CellStep, Product, RnnMode, Rows};
    use crate::cpu::Real;

    /// Products from this many multiply-adds up use every thread.
    const PARALLEL_MACS: usize = 1 << 20;

    /// A time step split by hidden units only from this many multiply-adds up (below it one
    /// thread does it all: waking the pool costs more).
    const PARALLEL_STEP: usize = 1 << 18;

    /// Ranges of hidden units, one per task: whole SIMD widths apart, at most one per thread.
    fn unit_chunks(hidden: usize, work: usize) -> Vec<(usize, usize)> {
        let threads = crate::cpu::pool::num_threads();
        if threads < 2 || work < PARALLEL_STEP || hidden < 32 {
            return vec![(0, hidden)];
        }
        let per = hidden.div_ceil(threads).next_multiple_of(16);
        (0..hidden).step_by(per).map(|j0| (j0, (j0 + per).min(hidden))).collect()
    }

    /// Runs `task(i)` for each chunk, on the pool when there are several.
    fn each_chunk(count: usize, task: impl Fn(usize) + Sync + Send) {
        if count == 1 {
            task(0);
        } else {
            use rayon::prelude::*;
            crate::cpu::pool::install(|| (0..count).into_par_iter().for_each(&task));
        }
    }

    /// Product `p` restricted to the gate columns of units `j0 .. j1` (in every gate block):
    /// its `b` operand (transposed) or its `k` axis (plain) runs over gate rows of `W_hh`.
    fn gate_columns(p: &Product, hidden: usize, (j0, j1): (usize, usize), block: usize, size: usize) -> Product {
        let first = block * hidden + j0;
        let mut q = *p;
        q.b = Rows { addr: p.b.addr + first * p.b.ld * size, ld: p.b.ld };
        if p.trans_b {
            // Forward: the product's columns are gate rows.
            q.n = j1 - j0;
            q.c = Rows { addr: p.c.addr + first * size, ld: p.c.ld };
        } else {
            // Backward: the product's k axis is gate rows (a's columns).
            q.k = j1 - j0;
            q.a = Rows { addr: p.a.addr + first * size, ld: p.a.ld };
        }
        q
    }

    /// One step forward, each task taking a range of hidden units: its gate columns of the
    /// recurrent product, then its gates, so one fork-join per step and the product's output
    /// is still in the task's cache when the gates read it.
    pub(super) unsafe fn step_forward<T: Real>(p: &Product, s: &CellStep) {
        let g = s.mode.gates();
        let chunks = unit_chunks(s.hidden, p.m * p.n * p.k);
        if chunks.len() == 1 {
            product::<T>(p);
            cell_forward::<T>(s);
            return;
        }
        let (sp, ss) = (Shared(*p), Shared(*s));
        each_chunk(chunks.len(), |c| {
            let (p, s) = (&sp.0, &ss.0);
            for b in 0..g {
                product_on::<T>(&gate_columns(p, s.hidden, chunks[c], b, std::mem::size_of::<T>()), gemm::Parallelism::None);
            }
            for r in 0..s.n {
                forward_row::<T>(s, r, chunks[c].0, chunks[c].1);
            }
        });
    }

    /// One step backward, each task taking a range of hidden units: their gates, then their
    /// share of the previous state's gradient (a product over their gate rows) into a buffer
    /// of its own; the shares are summed at the end.
    pub(super) unsafe fn step_backward<T: Real>(s: &CellGrad, p: &Product) {
        let g = s.mode.gates();
        let chunks = unit_chunks(s.hidden, p.m * p.n * p.k);
        if chunks.len() == 1 {
            cell_backward::<T>(s);
            product::<T>(p);
            return;
        }
        let (rows, cols) = (p.m, p.n);
        let mut partial = vec![T::zero(); chunks.len() * rows * cols];
        let base = Shared(partial.as_mut_ptr() as usize);
        let (sp, ss) = (Shared(*p), Shared(*s));
        each_chunk(chunks.len(), |c| {
            let (p, s) = (&sp.0, &ss.0);
            for r in 0..s.n {
                backward_row::<T>(s, r, chunks[c].0, chunks[c].1);
            }
            let own = Rows { addr: base.0 + c * rows * cols * std::mem::size_of::<T>(), ld: cols };
            for b in 0..g {
                let mut q = gate_columns(p, s.hidden, chunks[c], b, std::mem::size_of::<T>());
                q.c = own;
                q.accumulate = b > 0;
                product_on::<T>(&q, gemm::Parallelism::None);
            }
        });
        for r in 0..rows {
            let dst = std::slice::from_raw_parts_mut((p.c.addr as *mut T).add(r * p.c.ld), cols);
            for (j, d) in dst.iter_mut().enumerate() {
                let mut v = if p.accumulate { *d } else { T::zero() };
                for c in 0..chunks.len() {
                    v += partial[(c * rows + r) * cols + j];
                }
                *d = v;
            }
        }
    }

    pub(super) unsafe fn product<T: Real>(p: &Product) {
        let threads = crate::cpu::pool::num_threads();
        if threads > 1 && p.m * p.n * p.k >= PARALLEL_MACS {
            crate::cpu::pool::install(|| product_on::<T>(p, gemm::Parallelism::Rayon(threads)));
        } else {
            product_on::<T>(p, gemm::Parallelism::None);
        }
    }

    unsafe fn product_on<T: Real>(p: &Product, par: gemm::Parallelism) {
        if p.m == 0 || p.n == 0 {
            return;
        }
        let c = p.c.addr as *mut T;
        if p.k == 0 {
            if !p.accumulate {
                for i in 0..p.m {
                    std::slice::from_raw_parts_mut(c.add(i * p.c.ld), p.n).fill(T::zero());
                }
            }
            return;
        }
        // (row stride, column stride) of op(a) and op(b).
        let (a_rs, a_cs) = if p.trans_a { (1, p.a.ld as isize) } else { (p.a.ld as isize, 1) };
        let (b_rs, b_cs) = if p.trans_b { (1, p.b.ld as isize) } else { (p.b.ld as isize, 1) };
        {
            gemm::gemm(
                p.m,
                p.n,
                p.k,
                p.c.addr as *mut T,
                1,
                p.c.ld as isize,
                p.accumulate,
                p.a.addr as *const T,
                a_cs,
                a_rs,
                p.b.addr as *const T,
                b_cs,
                b_rs,
                if p.accumulate { T::one() } else { T::zero() },
                T::one(),
                false,
                false,
                false,
                par,
            )
        }
    }

    /// Runs `f(r)` for every row, over the thread pool when the step is large.
    fn rows_of(n: usize, work: usize, f: impl Fn(usize) + Sync + Send) {
        if n > 1 && work >= 1 << 15 && crate::cpu::pool::num_threads() > 1 {
            use rayon::prelude::*;
            crate::cpu::pool::install(|| (0..n).into_par_iter().for_each(&f));
        } else {
            (0..n).for_each(f);
        }
    }

    /// Makes a struct of addresses shareable across the pool (the rows are disjoint).
    #[derive(Clone, Copy)]
    struct Shared<S>(S);
    unsafe impl<S> Send for Shared<S> {}
    unsafe impl<S> Sync for Shared<S> {}

    pub(super) unsafe fn cell_forward<T: Real>(s: &CellStep) {
        let g = s.mode.gates() * s.hidden;
        let sh = Shared(*s);
        rows_of(s.n, s.n * g, move |r| forward_row::<T>(&sh.0, r, 0, sh.0.hidden));
    }

    /// `len` elements at element `off` of the buffer at `addr` (which must be present).
    #[inline(always)]
    unsafe fn at<'a, T>(addr: usize, off: usize, len: usize) -> &'a mut [T] {
        std::slice::from_raw_parts_mut((addr as *mut T).add(off), len)
    }

    /// Row `r`, hidden units `j0 .. j1`. Written as passes over contiguous slices (sums, then
    /// one activation per gate block, then the state update) so that each pass is a plain
    /// loop the compiler vectorizes; `Real`'s f32 `exp`/`tanh` are branch-free polynomials.
    unsafe fn forward_row<T: Real>(s: &CellStep, r: usize, j0: usize, j1: usize) {
        let (h, gates, w) = (s.hidden, s.mode.gates(), j1 - j0);
        let gru = s.mode == RnnMode::Gru;
        let (gx, gh) = (s.gx.addr + r * s.gx.ld * std::mem::size_of::<T>(), s.gh.addr + r * s.gh.ld * std::mem::size_of::<T>());
        let out = at::<T>(s.h.addr, r * s.h.ld + j0, w);
        crate::cpu::with_scratch::<T, _>((gates + 1) * w, |pre| {
            // Pre-activations, one gate block at a time; the GRU keeps its candidate's
            // recurrent term apart (block `gates`), since the reset gate scales it.
            for b in 0..gates {
                let (o, dst) = (b * h + j0, &mut pre[b * w..(b + 1) * w]);
                let split = gru && b == 2;
                for ((d, &x), &y) in dst.iter_mut().zip(at::<T>(gx, o, w).iter()).zip(at::<T>(gh, o, w).iter()) {
                    *d = if split { x } else { x + y };
                }
                if s.bias_x != 0 {
                    dst.iter_mut().zip(at::<T>(s.bias_x, o, w).iter()).for_each(|(d, &v)| *d += v);
                }
                if s.bias_h != 0 && !split {
                    dst.iter_mut().zip(at::<T>(s.bias_h, o, w).iter()).for_each(|(d, &v)| *d += v);
                }
            }
            let (gates_pre, extra) = pre.split_at_mut(gates * w);
            match s.mode {
                RnnMode::RnnTanh => out.iter_mut().zip(gates_pre.iter()).for_each(|(o, &v)| *o = v.tanh()),
                RnnMode::RnnRelu => out.iter_mut().zip(gates_pre.iter()).for_each(|(o, &v)| *o = if v > T::zero() { v } else { T::zero() }),
                RnnMode::Lstm => {
                    let (ig, rest) = gates_pre.split_at_mut(w);
                    let (fg, rest) = rest.split_at_mut(w);
                    let (gg, og) = rest.split_at_mut(w);
                    for block in [&mut *ig, &mut *fg, &mut *og] {
                        block.iter_mut().for_each(|v| *v = v.sigmoid());
                    }
                    gg.iter_mut().for_each(|v| *v = v.tanh());
                    let c = at::<T>(s.c.addr, r * s.c.ld + j0, w);
                    let cp = at::<T>(s.c_prev.addr, r * s.c_prev.ld + j0, w);
                    for ((((c, &p), &i), &f), &g) in c.iter_mut().zip(cp.iter()).zip(ig.iter()).zip(fg.iter()).zip(gg.iter()) {
                        *c = f * p + i * g;
                    }
                    if let Some((lo, hi)) = s.clip {
                        let (lo, hi) = (T::from_f64(lo), T::from_f64(hi));
                        for c in c.iter_mut() {
                            if c.is_nan() {
                                if s.clip_nan {
                                    *c = lo;
                                }
                            } else if *c < lo {
                                *c = lo;
                            } else if *c > hi {
                                *c = hi;
                            }
                        }
                    }
                    for ((o, &c), &g) in out.iter_mut().zip(c.iter()).zip(og.iter()) {
                        *o = g * c.tanh();
                    }
                }
                RnnMode::Gru => {
                    let (rg, rest) = gates_pre.split_at_mut(w);
                    let (zg, ng) = rest.split_at_mut(w);
                    let hn = &mut extra[..w];
                    for (d, &y) in hn.iter_mut().zip(at::<T>(gh, 2 * h + j0, w).iter()) {
                        *d = y;
                    }
                    if s.bias_h != 0 {
                        hn.iter_mut().zip(at::<T>(s.bias_h, 2 * h + j0, w).iter()).for_each(|(d, &v)| *d += v);
                    }
                    for block in [&mut *rg, &mut *zg] {
                        block.iter_mut().for_each(|v| *v = v.sigmoid());
                    }
                    for ((n, &rv), &hv) in ng.iter_mut().zip(rg.iter()).zip(hn.iter()) {
                        *n = (*n + rv * hv).tanh();
                    }
                    let hp = at::<T>(s.h_prev.addr, r * s.h_prev.ld + j0, w);
                    for (((o, &n), &z), &p) in out.iter_mut().zip(ng.iter()).zip(zg.iter()).zip(hp.iter()) {
                        *o = n + z * (p - n);
                    }
                }
            }
            if s.keep.present() && s.mode.kept() > 0 {
                for b in 0..4 {
                    at::<T>(s.keep.addr, r * s.keep.ld + b * h + j0, w).copy_from_slice(&pre[b * w..(b + 1) * w]);
                }
            }
        });
    }

    pub(super) unsafe fn cell_backward<T: Real>(s: &CellGrad) {
        let g = s.mode.gates() * s.hidden;
        let sh = Shared(*s);
        rows_of(s.n, s.n * g, move |r| backward_row::<T>(&sh.0, r, 0, sh.0.hidden));
    }

    /// Row `r`, hidden units `j0 .. j1`, in passes over contiguous slices as `forward_row`.
    unsafe fn backward_row<T: Real>(s: &CellGrad, r: usize, j0: usize, j1: usize) {
        let (h, w) = (s.hidden, j1 - j0);
        let one = T::one();
        let same = s.dgx == s.dgh;
        crate::cpu::with_scratch::<T, _>(5 * w, |buf| {
            let (dh, buf) = buf.split_at_mut(w);
            // The step's hidden-state gradient: what reaches the output plus the next step's.
            dh.fill(T::zero());
            for src in [s.dy, s.dh] {
                if src.present() {
                    dh.iter_mut().zip(at::<T>(src.addr, r * src.ld + j0, w).iter()).for_each(|(d, &v)| *d += v);
                }
            }
            let dgx = |b: usize| at::<T>(s.dgx.addr, r * s.dgx.ld + b * h + j0, w);
            let dgh = |b: usize| at::<T>(s.dgh.addr, r * s.dgh.ld + b * h + j0, w);
            // Writes block `b` of both pre-activation gradients (the GRU candidate's differs).
            let put = |b: usize, v: &[T]| {
                dgx(b).copy_from_slice(v);
                if !same {
                    dgh(b).copy_from_slice(v);
                }
            };
            match s.mode {
                RnnMode::RnnTanh | RnnMode::RnnRelu => {
                    let hv = at::<T>(s.h.addr, r * s.h.ld + j0, w);
                    let d = &mut buf[..w];
                    if s.mode == RnnMode::RnnTanh {
                        for ((d, &g), &y) in d.iter_mut().zip(dh.iter()).zip(hv.iter()) {
                            *d = g * (one - y * y);
                        }
                    } else {
                        for ((d, &g), &y) in d.iter_mut().zip(dh.iter()).zip(hv.iter()) {
                            *d = if y > T::zero() { g } else { T::zero() };
                        }
                    }
                    put(0, d);
                }
                RnnMode::Lstm => {
                    let k = |b: usize| at::<T>(s.keep.addr, r * s.keep.ld + b * h + j0, w);
                    let (ig, fg, gg, og) = (k(0), k(1), k(2), k(3));
                    let c = at::<T>(s.c.addr, r * s.c.ld + j0, w);
                    let cp = at::<T>(s.c_prev.addr, r * s.c_prev.ld + j0, w);
                    let (tc, rest) = buf.split_at_mut(w);
                    let (dc, rest) = rest.split_at_mut(w);
                    let (d1, rest) = rest.split_at_mut(w);
                    let d2 = &mut rest[..w];
                    tc.iter_mut().zip(c.iter()).for_each(|(t, &v)| *t = v.tanh());
                    // The cell state's gradient: from the next step, and through h = o·tanh(c).
                    if s.dc.present() {
                        dc.copy_from_slice(at::<T>(s.dc.addr, r * s.dc.ld + j0, w));
                    } else {
                        dc.fill(T::zero());
                    }
                    for (((d, &g), &o), &t) in dc.iter_mut().zip(dh.iter()).zip(og.iter()).zip(tc.iter()) {
                        *d += g * o * (one - t * t);
                    }
                    if let Some((lo, hi)) = s.clip {
                        // A clipped state does not depend on the step's inputs.
                        for (d, &v) in dc.iter_mut().zip(c.iter()) {
                            let v = v.to_f64();
                            if v <= lo || v >= hi {
                                *d = T::zero();
                            }
                        }
                    }
                    for (((d, &dc), &g), &i) in d1.iter_mut().zip(dc.iter()).zip(gg.iter()).zip(ig.iter()) {
                        *d = dc * g * i * (one - i);
                    }
                    put(0, d1);
                    for (((d, &dc), &p), &f) in d1.iter_mut().zip(dc.iter()).zip(cp.iter()).zip(fg.iter()) {
                        *d = dc * p * f * (one - f);
                    }
                    put(1, d1);
                    for (((d, &dc), &i), &g) in d1.iter_mut().zip(dc.iter()).zip(ig.iter()).zip(gg.iter()) {
                        *d = dc * i * (one - g * g);
                    }
                    put(2, d1);
                    for (((d, &g), &t), &o) in d2.iter_mut().zip(dh.iter()).zip(tc.iter()).zip(og.iter()) {
                        *d = g * t * o * (one - o);
                    }
                    put(3, d2);
                    if s.dc_prev.present() {
                        let out = at::<T>(s.dc_prev.addr, r * s.dc_prev.ld + j0, w);
                        for ((o, &d), &f) in out.iter_mut().zip(dc.iter()).zip(fg.iter()) {
                            *o = d * f;
                        }
                    }
                }
                RnnMode::Gru => {
                    let k = |b: usize| at::<T>(s.keep.addr, r * s.keep.ld + b * h + j0, w);
                    let (rg, zg, ng, hn) = (k(0), k(1), k(2), k(3));
                    let hp = at::<T>(s.h_prev.addr, r * s.h_prev.ld + j0, w);
                    let (dn, rest) = buf.split_at_mut(w);
                    let d1 = &mut rest[..w];
                    for (((d, &g), &z), &n) in dn.iter_mut().zip(dh.iter()).zip(zg.iter()).zip(ng.iter()) {
                        *d = g * (one - z) * (one - n * n);
                    }
                    for (((d, &dn), &hv), &rv) in d1.iter_mut().zip(dn.iter()).zip(hn.iter()).zip(rg.iter()) {
                        *d = dn * hv * rv * (one - rv);
                    }
                    put(0, d1);
                    for ((((d, &g), &p), &n), &z) in d1.iter_mut().zip(dh.iter()).zip(hp.iter()).zip(ng.iter()).zip(zg.iter()) {
                        *d = g * (p - n) * z * (one - z);
                    }
                    put(1, d1);
                    dgx(2).copy_from_slice(dn);
                    for ((d, &dn), &rv) in dgh(2).iter_mut().zip(dn.iter()).zip(rg.iter()) {
                        *d = dn * rv;
                    }
                    if s.dh_prev.present() {
                        let out = at::<T>(s.dh_prev.addr, r * s.dh_prev.ld + j0, w);
                        for ((o, &g), &z) in out.iter_mut().zip(dh.iter()).zip(zg.iter()) {
                            *o = g * z;
                        }
                    }
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd;

    fn t(v: Vec<f64>, shape: &[usize]) -> Tensor {
        Tensor::from_vec(v, shape).unwrap()
    }

    fn cfg(mode: RnnMode, input_size: usize, hidden: usize, layers: usize, bidirectional: bool, projection: Option<usize>) -> RnnConfig {
        RnnConfig { mode, input_size, hidden, layers, bidirectional, projection, clip: None, clip_nan: false }
    }

    /// Deterministic values in (-1, 1).
    fn wave(n: usize, phase: f64) -> Vec<f64> {
        (0..n).map(|i| (i as f64 * 0.7 + phase).sin() * 0.8).collect()
    }

    #[test]
    fn a_tanh_layer_follows_its_recurrence() {
        // One unit: h_t = tanh(wi x_t + wh h_{t-1} + bi + bh).
        let c = cfg(RnnMode::RnnTanh, 1, 1, 1, false, None);
        let (wi, wh, bi, bh) = (0.5, -0.3, 0.1, 0.2);
        let w = t(vec![wi, wh, bi, bh], &[4]);
        let x = t(vec![1.0, -2.0], &[2, 1, 1]);
        let (out, hy, cy) = x.rnn(&w, &t(vec![0.4], &[1, 1, 1]), None, None, &c).unwrap();
        let h1 = (wi * 1.0 + wh * 0.4 + bi + bh).tanh();
        let h2 = (wi * -2.0 + wh * h1 + bi + bh).tanh();
        assert_eq!(out.to_vec::<f64>().unwrap(), vec![h1, h2]);
        assert_eq!(hy.to_vec::<f64>().unwrap(), vec![h2]);
        assert!(cy.is_none());
    }

    #[test]
    fn gradients_match_central_differences() {
        for (mode, bidi, proj) in [(RnnMode::Lstm, true, Some(2)), (RnnMode::Gru, true, None), (RnnMode::RnnRelu, false, None)] {
            let c = cfg(mode, 3, 3, 2, bidi, proj);
            let (tl, n, units) = (3, 2, 2 * c.dirs());
            let x = t(wave(tl * n * 3, 0.1), &[tl, n, 3]);
            let w = t(wave(c.param_len(), 0.3), &[c.param_len()]);
            let hx = t(wave(units * n * c.state_size(), 0.5), &[units, n, c.state_size()]);
            let cx = (mode == RnnMode::Lstm).then(|| t(wave(units * n * 3, 0.9), &[units, n, 3]));
            let loss = |x: &Tensor, w: &Tensor, hx: &Tensor, cx: Option<&Tensor>| -> Tensor {
                let (o, h, cc) = x.rnn(w, hx, cx, None, &c).unwrap();
                // Weighted sums, so each result's gradient differs from the others'.
                let wsum = |y: &Tensor, p: f64| y.mul(&t(wave(y.numel(), p), y.shape())).unwrap().sum(None, false).unwrap();
                let mut l = wsum(&o, 1.3).add(&wsum(&h, 2.1)).unwrap();
                if let Some(cc) = cc {
                    l = l.add(&wsum(&cc, 0.2)).unwrap();
                }
                l
            };
            let inputs: Vec<Tensor> = [Some(x), Some(w), Some(hx), cx].into_iter().flatten().collect();
            for v in &inputs {
                v.attach_grad(autograd::GradReq::Write).unwrap();
            }
            let l = autograd::record(|| loss(&inputs[0], &inputs[1], &inputs[2], inputs.get(3)));
            autograd::backward(&[l], &[None], false).unwrap();
            for (i, v) in inputs.iter().enumerate() {
                let grad = v.grad().unwrap().to_vec::<f64>().unwrap();
                let base = v.to_vec::<f64>().unwrap();
                for j in (0..base.len()).step_by(1 + base.len() / 7) {
                    let shifted = |e: f64| {
                        let mut vals: Vec<Tensor> = inputs.iter().map(|u| u.detach().copy().unwrap()).collect();
                        let mut b = base.clone();
                        b[j] += e;
                        vals[i] = t(b, v.shape());
                        loss(&vals[0], &vals[1], &vals[2], vals.get(3)).to_vec::<f64>().unwrap()[0]
                    };
                    let numeric = (shifted(1e-6) - shifted(-1e-6)) / 2e-6;
                    assert!((numeric - grad[j]).abs() < 1e-6, "{mode:?} input {i} element {j}: {numeric} vs {}", grad[j]);
                }
            }
        }
    }

    #[test]
    fn bad_shapes_are_errors_naming_them() {
        let c = cfg(RnnMode::Lstm, 2, 3, 1, false, None);
        let x = t(vec![0.0; 8], &[2, 2, 2]);
        let w = t(vec![0.0; c.param_len()], &[c.param_len()]);
        let h = t(vec![0.0; 6], &[1, 2, 3]);
        let err = x.rnn(&w, &t(vec![0.0; 3], &[1, 1, 3]), Some(&h), None, &c).unwrap_err().to_string();
        assert!(err.contains("(1, 1, 3)") && err.contains("(1, 2, 3)"), "{err}");
        let err = x.rnn(&t(vec![0.0; 5], &[5]), &h, Some(&h), None, &c).unwrap_err().to_string();
        assert!(err.contains(&format!("({},)", c.param_len())), "{err}");
        assert!(x.rnn(&w, &h, None, None, &c).is_err());
        assert!(t(vec![0.0; 4], &[2, 2]).rnn(&w, &h, Some(&h), None, &c).is_err());
        assert!(RnnMode::from_name("lstmx").is_err());
    }
}
