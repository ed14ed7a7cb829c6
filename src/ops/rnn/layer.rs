//! The fused layer: `Tensor::rnn`, its forward and backward passes through time (written
//! once, on `RnnKernels`), and the graph node that ties them together.

use super::{CellGrad, CellStep, Product, RnnConfig, RnnKernels, RnnMode, Rows};
use crate::autograd::graph::{BackwardFn, Saver};
use crate::error::{fmt_shape, Error, Result};
use crate::tensor::{Scalar, Tensor};

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
            Ok(Operands { x: self.contiguous()?, w: params.contiguous()?, hx: hx.contiguous()?, cx: cx.map(Tensor::contiguous).transpose()?, masks: dropout_masks.map(Tensor::contiguous).transpose()? })
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
            use crate::ops::index::Index;
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
pub(super) struct Buf {
    base: usize,
    size: usize,
}

impl Buf {
    pub(super) fn of(k: &dyn RnnKernels, t: &Tensor) -> Result<Buf> {
        Ok(Buf { base: k.rnn_addr(t)?, size: t.dtype().size() })
    }

    /// Rows starting at element `offset`, `ld` elements apart.
    pub(super) fn rows(self, offset: usize, ld: usize) -> Rows {
        Rows { addr: self.base + offset * self.size, ld }
    }
}

pub(super) fn zeros_like_dtype(shape: &[usize], like: &Tensor) -> Result<Tensor> {
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
    let k = crate::ops::backend::on(ops.x.device())?;
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
    let k = crate::ops::backend::on(x.device())?;
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
