//! The Gluon cells' gate step as one operation: `Tensor::rnn_cell`.

use super::layer::{zeros_like_dtype, Buf};
use super::{CellGrad, CellStep, RnnKernels, RnnMode, Rows};
use crate::autograd::graph::{BackwardFn, Saver};
use crate::error::{fmt_shape, Error, Result};
use crate::tensor::Tensor;

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
                Some(crate::autograd::paused(|| p.contiguous())?)
            }
            (true, Some(p)) => {
                return Err(Error::Shape(format!("rnn_cell: the previous state has shape {} ({}), expected ({n}, {h}) ({})", fmt_shape(p.shape()), p.dtype(), i2h.dtype())))
            }
            (true, None) => return Err(Error::Value(format!("rnn_cell: mode '{}' needs the previous state", mode.name()))),
            (false, _) => None,
        };
        let (a, b) = crate::autograd::paused(|| Ok::<_, Error>((i2h.contiguous()?, h2h.contiguous()?)))?;
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
    let k = crate::ops::backend::on(i2h.device())?;
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
            let k = crate::ops::backend::on(gy.device())?;
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
