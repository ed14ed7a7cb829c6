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
//! The loops (`layer.rs`) are written once for every device: a backend supplies only
//! [`RnnKernels`] (a row-major GEMM on raw addresses and the two gate kernels, and may fuse a
//! time step's product and gates); buffers are ordinary dense tensors allocated on the input's
//! device. `cell.rs` is the cells' gate step, `cpu.rs` the CPU's kernels (the GPU's are in
//! `cuda/ops/rnn.rs` and `cuda/kernels/rnn.cu`).
//!
//! # Layouts (MXNet's, so its saved weights load)
//! Gates are stacked along the rows of each weight matrix in the order LSTM `i, f, g, o` and
//! GRU `r, z, n`; the GRU's candidate is `n = tanh(Wx·x + bx + r ∘ (Wh·h + bh))`. The flat
//! parameter vector holds every weight first — for each layer, each direction (left-to-right,
//! then right-to-left): `i2h (G·H × in)`, `h2h (G·H × S)`, and with a projection `h2r (P × H)`
//! — then every bias — for each layer and direction: `i2h (G·H)`, `h2h (G·H)`. `S`, the state
//! size, is `P` with a projection and `H` without.

mod cell;
mod cpu;
mod layer;
#[cfg(test)]
mod tests;

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

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
