//! Convolution and transposed convolution over 1, 2 or 3 spatial axes (MXNet's `Convolution`
//! and `Deconvolution`): stride, padding, dilation, groups, optional bias, channels first
//! (NCW/NCHW/NCDHW) or last (NWC/NHWC/NDHWC).
//!
//! The kernels see channels first only: a channels-last input is a free transposed view, and
//! the kernels copy it densely once. Three primitives make both ops and all their gradients:
//! `forward` (the convolution), `backward_data` (its adjoint in the input, which is also the
//! transposed convolution's forward) and `backward_weight`. On the CPU each is a GEMM per
//! (tile, group) over an im2col tile of about 512 KB kept in per-thread scratch, so it stays
//! in cache: a tile is a range of one image's output positions, or a block of whole images
//! when feature maps are small; a 1×1 convolution reads the input in place.
//!
//! ```
//! use deepblocks::{ops::conv::ConvParams, Tensor};
//! let x = Tensor::from_vec((0..16).map(|v| v as f32).collect(), &[1, 1, 4, 4]).unwrap();
//! let w = Tensor::from_vec(vec![1.0f32; 4], &[1, 1, 2, 2]).unwrap();
//! let p = ConvParams::new(&[2, 2]).stride(&[2, 2]);
//! let y = x.convolution(&w, None, &p).unwrap();
//! assert_eq!(y.to_vec::<f32>().unwrap(), vec![10.0, 18.0, 42.0, 50.0]);
//! ```

use super::{build, with_ptr};
use crate::cpu::strided::Ptr;
use crate::cpu::Real;
use crate::error::{fmt_shape, Error, Result};
use crate::tensor::Tensor;

/// Runs `$body` with `$T` the float element type of `$t` (f32 or f64), else a dtype error.
macro_rules! float_only {
    ($t:expr, $op:expr, $T:ident => $body:expr) => {
        match $t.dtype() {
            crate::DType::F32 => {
                type $T = f32;
                $body
            }
            crate::DType::F64 => {
                type $T = f64;
                $body
            }
            d => Err(crate::error::Error::DType(format!("{}: unsupported dtype {d} (float32 or float64)", $op))),
        }
    };
}
pub(crate) use float_only;

/// A convolution's hyper-parameters, one value per spatial axis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvParams {
    pub kernel: Vec<usize>,
    pub stride: Vec<usize>,
    pub dilate: Vec<usize>,
    pub pad: Vec<usize>,
    /// Output padding of a transposed convolution (MXNet's `adj`); zeros for a convolution.
    pub adj: Vec<usize>,
    pub groups: usize,
    /// Channels as the last axis (NWC/NHWC/NDHWC; weights then (F, *kernel, C/groups)).
    pub channels_last: bool,
}

impl ConvParams {
    /// Stride 1, no padding, no dilation, one group, channels first.
    pub fn new(kernel: &[usize]) -> ConvParams {
        let d = kernel.len();
        ConvParams {
            kernel: kernel.to_vec(),
            stride: vec![1; d],
            dilate: vec![1; d],
            pad: vec![0; d],
            adj: vec![0; d],
            groups: 1,
            channels_last: false,
        }
    }
    pub fn stride(mut self, s: &[usize]) -> Self {
        self.stride = s.to_vec();
        self
    }
    pub fn pad(mut self, p: &[usize]) -> Self {
        self.pad = p.to_vec();
        self
    }
    pub fn dilate(mut self, d: &[usize]) -> Self {
        self.dilate = d.to_vec();
        self
    }
    pub fn groups(mut self, g: usize) -> Self {
        self.groups = g;
        self
    }
}

/// One convolution resolved to sizes, channels first, spatial axes padded in front to three
/// with unit axes (so every kernel loops over three).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvGeom {
    pub batch: usize,
    /// Input channels (C) and output channels (F).
    pub channels: usize,
    pub filters: usize,
    pub groups: usize,
    /// Number of spatial axes (1 to 3).
    pub rank: usize,
    pub input: [usize; 3],
    pub output: [usize; 3],
    pub kernel: [usize; 3],
    pub stride: [usize; 3],
    pub pad: [usize; 3],
    pub dilate: [usize; 3],
}

impl ConvGeom {
    fn spatial<'a>(&self, v: &'a [usize; 3]) -> &'a [usize] {
        &v[3 - self.rank..]
    }
    /// (N, C, *input).
    pub fn input_shape(&self) -> Vec<usize> {
        [&[self.batch, self.channels][..], self.spatial(&self.input)].concat()
    }
    /// (N, F, *output).
    pub fn output_shape(&self) -> Vec<usize> {
        [&[self.batch, self.filters][..], self.spatial(&self.output)].concat()
    }
    /// (F, C/groups, *kernel).
    pub fn weight_shape(&self) -> Vec<usize> {
        [&[self.filters, self.channels / self.groups][..], self.spatial(&self.kernel)].concat()
    }
    pub(crate) fn in_channels_per_group(&self) -> usize {
        self.channels / self.groups
    }
    pub(crate) fn filters_per_group(&self) -> usize {
        self.filters / self.groups
    }
    pub(crate) fn kernel_volume(&self) -> usize {
        self.kernel.iter().product()
    }
    /// Rows of the im2col matrix of one group: (input channel, kernel offset) pairs.
    pub(crate) fn rows(&self) -> usize {
        self.in_channels_per_group() * self.kernel_volume()
    }
    pub(crate) fn input_len(&self) -> usize {
        self.input.iter().product()
    }
    pub(crate) fn output_len(&self) -> usize {
        self.output.iter().product()
    }
    /// A 1×1 convolution with unit stride and no padding: the im2col matrix is the input.
    pub(crate) fn pointwise(&self) -> bool {
        self.kernel == [1; 3] && self.stride == [1; 3] && self.pad == [0; 3]
    }
    /// Multiply-adds of the forward pass.
    pub fn macs(&self) -> usize {
        self.batch * self.filters * self.output_len() * self.rows()
    }
}

fn shape_error(op: &str, what: String, x: &[usize], w: &[usize]) -> Error {
    Error::Shape(format!("{op}: {what} (data shape {}, weight shape {})", fmt_shape(x), fmt_shape(w)))
}

impl ConvParams {
    /// Checks the parameters against channels-first data and weight shapes and resolves the
    /// convolution's geometry. For a transposed convolution (`transposed`), the geometry is
    /// that of the convolution it transposes: its input is the transposed op's output.
    pub fn geometry(&self, op: &str, x: &[usize], w: &[usize], transposed: bool) -> Result<ConvGeom> {
        let rank = self.kernel.len();
        if !(1..=3).contains(&rank) {
            return Err(Error::Value(format!("{op}: kernel must have 1, 2 or 3 dimensions, got {:?}", self.kernel)));
        }
        for (name, v) in [("stride", &self.stride), ("dilate", &self.dilate), ("pad", &self.pad), ("adj", &self.adj)] {
            if v.len() != rank {
                return Err(Error::Value(format!("{op}: {name} {v:?} must have {rank} values, one per spatial axis of kernel {:?}", self.kernel)));
            }
        }
        // MXNet keeps these as 32-bit ints; the bound also keeps the size arithmetic below exact.
        let limit = i32::MAX as usize;
        if [&self.kernel, &self.stride, &self.dilate, &self.pad, &self.adj].iter().any(|v| v.iter().any(|&x| x > limit)) {
            return Err(Error::Value(format!(
                "{op}: kernel {:?}, stride {:?}, dilate {:?}, pad {:?} and adj {:?} must be below 2**31",
                self.kernel, self.stride, self.dilate, self.pad, self.adj
            )));
        }
        if self.kernel.contains(&0) || self.stride.contains(&0) || self.dilate.contains(&0) {
            return Err(Error::Value(format!(
                "{op}: kernel {:?}, stride {:?} and dilate {:?} must be positive",
                self.kernel, self.stride, self.dilate
            )));
        }
        if x.len() != rank + 2 {
            return Err(shape_error(op, format!("a {rank}-d kernel needs {}-d data (batch, channel, {rank} spatial axes)", rank + 2), x, w));
        }
        if w.len() != rank + 2 {
            return Err(shape_error(op, format!("a {rank}-d kernel needs a {}-d weight", rank + 2), x, w));
        }
        let groups = self.groups;
        if groups == 0 {
            return Err(Error::Value(format!("{op}: num_group must be positive")));
        }
        let c = x[1];
        // (F, C/g, k...) for a convolution; (C, F/g, k...) for a transposed one.
        let (in_c, out_c) = (w[1] * groups, w[0]);
        let data_c = if transposed { out_c } else { in_c };
        if c % groups != 0 || w[0] % groups != 0 {
            return Err(shape_error(op, format!("channels ({c}) and filters ({}) must be divisible by num_group ({groups})", w[0]), x, w));
        }
        if c != data_c {
            return Err(shape_error(op, format!("data has {c} channels but the weight expects {data_c}"), x, w));
        }
        if &w[2..] != self.kernel.as_slice() {
            return Err(shape_error(op, format!("weight's spatial shape must equal kernel {:?}", self.kernel), x, w));
        }
        let mut g = ConvGeom {
            batch: x[0],
            channels: in_c,
            filters: out_c,
            groups,
            rank,
            input: [1; 3],
            output: [1; 3],
            kernel: [1; 3],
            stride: [1; 3],
            pad: [0; 3],
            dilate: [1; 3],
        };
        let off = 3 - rank;
        for a in 0..rank {
            let (k, s, d, p) = (self.kernel[a], self.stride[a], self.dilate[a], self.pad[a]);
            let extent = d * (k - 1) + 1;
            let size = x[2 + a];
            let (input, output) = if transposed {
                if self.adj[a] >= s.max(d) {
                    return Err(Error::Value(format!("{op}: adj {:?} must be smaller than stride {:?} (or dilate)", self.adj, self.stride)));
                }
                let full = (size.max(1) - 1).checked_mul(s).and_then(|v| v.checked_add(extent + self.adj[a])).unwrap_or(usize::MAX);
                if size == 0 || full <= 2 * p {
                    return Err(shape_error(op, format!("padding {:?} leaves an empty output", self.pad), x, w));
                }
                (full - 2 * p, size)
            } else {
                if size + 2 * p < extent {
                    return Err(shape_error(
                        op,
                        format!("kernel {:?} (dilated extent {extent}) is larger than the padded input ({} + 2*{p}) on spatial axis {a}", self.kernel, size),
                        x,
                        w,
                    ));
                }
                (size, (size + 2 * p - extent) / s + 1)
            };
            g.input[off + a] = input;
            g.output[off + a] = output;
            g.kernel[off + a] = k;
            g.stride[off + a] = s;
            g.pad[off + a] = p;
            g.dilate[off + a] = d;
        }
        // Every buffer the kernels size (columns, output, input) must be addressable.
        let rows = [g.channels / groups, g.kernel.iter().product(), g.output.iter().product()];
        for dims in [&rows[..], &g.input_shape(), &g.output_shape()] {
            crate::layout::checked_numel(dims).map_err(|_| shape_error(op, format!("kernel {:?} and stride {:?} give sizes too large", self.kernel, self.stride), x, w))?;
        }
        if transposed {
            // The transposed op maps `output` back onto `input` only if the forward size
            // formula gives the data's size back (it does whenever adj < stride).
            for a in 0..rank {
                let i = off + a;
                let extent = g.dilate[i] * (g.kernel[i] - 1) + 1;
                if (g.input[i] + 2 * g.pad[i]).checked_sub(extent).map(|v| v / g.stride[i] + 1) != Some(g.output[i]) {
                    return Err(shape_error(op, format!("adj {:?} and pad {:?} do not give a consistent output size", self.adj, self.pad), x, w));
                }
            }
        }
        Ok(g)
    }
}

/// Moves the channel axis of channels-last data (or weight) to position 1 (a free view).
fn to_channels_first(t: &Tensor) -> Result<Tensor> {
    t.moveaxis(&[-1], &[1])
}

impl Tensor {
    /// MXNet's `Convolution`: `self` (N, C, *spatial) — or channels last — convolved with
    /// `weight` (F, C/groups, *kernel), plus `bias` (F,).
    pub fn convolution(&self, weight: &Tensor, bias: Option<&Tensor>, p: &ConvParams) -> Result<Tensor> {
        self.conv_op("convolution", weight, bias, p, false)
    }

    /// MXNet's `Deconvolution` (transposed convolution): `weight` is (C, F/groups, *kernel);
    /// the output's spatial size is `(in - 1) * stride - 2 * pad + dilate * (kernel - 1) + 1 + adj`.
    pub fn deconvolution(&self, weight: &Tensor, bias: Option<&Tensor>, p: &ConvParams) -> Result<Tensor> {
        self.conv_op("deconvolution", weight, bias, p, true)
    }

    fn conv_op(&self, op: &'static str, weight: &Tensor, bias: Option<&Tensor>, p: &ConvParams, transposed: bool) -> Result<Tensor> {
        self.same_device(weight, op)?;
        if let Some(b) = bias {
            self.same_device(b, op)?;
        }
        for t in [Some(self), Some(weight), bias].into_iter().flatten() {
            if !t.dtype().is_float() || t.dtype() != self.dtype() {
                return Err(Error::DType(format!(
                    "{op}: data, weight and bias must share one floating-point dtype, got {}, {}{}",
                    self.dtype(),
                    weight.dtype(),
                    bias.map_or(String::new(), |b| format!(" and {}", b.dtype()))
                )));
            }
        }
        let (x, w) = if p.channels_last && self.ndim() >= 3 && weight.ndim() >= 3 {
            (to_channels_first(self)?, to_channels_first(weight)?)
        } else {
            (self.clone(), weight.clone())
        };
        let g = p.geometry(op, x.shape(), w.shape(), transposed)?;
        let out_channels = if transposed { g.channels } else { g.filters };
        if let Some(b) = bias {
            if b.shape() != [out_channels] {
                return Err(Error::Shape(format!(
                    "{op}: bias shape {} must be ({out_channels},), one value per output channel",
                    fmt_shape(b.shape())
                )));
            }
        }
        let y = if transposed { deconv_tracked(&x, &w, bias, &g)? } else { conv_tracked(&x, &w, bias, &g)? };
        if p.channels_last {
            y.moveaxis(&[1], &[-1])
        } else {
            Ok(y)
        }
    }
}

/// The convolution as one graph node (channels first, checked geometry).
pub(crate) fn conv_tracked(x: &Tensor, w: &Tensor, bias: Option<&Tensor>, g: &ConvGeom) -> Result<Tensor> {
    let mut inputs = vec![x, w];
    inputs.extend(bias);
    crate::autograd::track(
        "convolution",
        &inputs,
        || super::backend::on(x.device())?.conv_forward(x, w, bias, g),
        |s| crate::autograd::derivatives::conv::convolution(s, x, w, bias.is_some(), g.clone()),
    )
}

/// The transposed convolution as one graph node: `backward_data` of the convolution `g`.
pub(crate) fn deconv_tracked(x: &Tensor, w: &Tensor, bias: Option<&Tensor>, g: &ConvGeom) -> Result<Tensor> {
    let mut inputs = vec![x, w];
    inputs.extend(bias);
    crate::autograd::track(
        "deconvolution",
        &inputs,
        || {
            let y = super::backend::on(x.device())?.conv_backward_data(x, w, g)?;
            match bias {
                Some(b) => y.add(&channel_column(b, g.rank)?),
                None => Ok(y),
            }
        },
        |s| crate::autograd::derivatives::conv::deconvolution(s, x, w, bias.is_some(), g.clone()),
    )
}

/// A (C,) vector as (C, 1, ...) to broadcast over the spatial axes of (N, C, ...).
fn channel_column(b: &Tensor, rank: usize) -> Result<Tensor> {
    let mut shape = vec![b.numel()];
    shape.extend(std::iter::repeat_n(1, rank));
    b.reshape(&shape)
}

/// The convolution primitives of a backend. Shapes are channels first and match `g`; inputs
/// may be strided views; results are fresh dense arrays.
pub(crate) trait ConvKernels {
    /// (N, C, *in) ⊛ (F, C/g, *k) + bias → (N, F, *out).
    fn conv_forward(&self, x: &Tensor, w: &Tensor, bias: Option<&Tensor>, g: &ConvGeom) -> Result<Tensor>;
    /// The adjoint in the data: (N, F, *out) with (F, C/g, *k) → (N, C, *in).
    fn conv_backward_data(&self, gy: &Tensor, w: &Tensor, g: &ConvGeom) -> Result<Tensor>;
    /// The weight gradient: (N, F, *out) and (N, C, *in) → (F, C/g, *k).
    fn conv_backward_weight(&self, gy: &Tensor, x: &Tensor, g: &ConvGeom) -> Result<Tensor>;
}

impl ConvKernels for crate::cpu::Cpu {
    fn conv_forward(&self, x: &Tensor, w: &Tensor, bias: Option<&Tensor>, g: &ConvGeom) -> Result<Tensor> {
        float_only!(x, "convolution", T => cpu_forward::<T>(x, w, bias, g))
    }
    fn conv_backward_data(&self, gy: &Tensor, w: &Tensor, g: &ConvGeom) -> Result<Tensor> {
        float_only!(gy, "convolution", T => cpu_backward_data::<T>(gy, w, g))
    }
    fn conv_backward_weight(&self, gy: &Tensor, x: &Tensor, g: &ConvGeom) -> Result<Tensor> {
        float_only!(gy, "convolution", T => cpu_backward_weight::<T>(gy, x, g))
    }
}


/// The im2col buffer of a tile holds about this many elements (512 KB in float32), so it
/// stays in a core's cache while the GEMM reads it.
const TILE_ELEMENTS: usize = 128 * 1024;

/// How the output positions of a group are cut into tiles, each one GEMM: a tile is a range
/// of positions of one image when an image has many, or a block of whole images when each
/// has few (deep layers with small feature maps), so every GEMM stays wide.
#[derive(Clone, Copy, Debug)]
struct Tiling {
    /// Images per tile, positions per image per tile.
    images: usize,
    len: usize,
    /// Tiles per image (1 when `images > 1`), blocks of images.
    per_image: usize,
    blocks: usize,
}

/// One tile: images `n0..n0 + images`, positions `l0..l0 + len` of each.
#[derive(Clone, Copy, Debug)]
struct Tile {
    n0: usize,
    images: usize,
    l0: usize,
    len: usize,
}

impl Tile {
    fn columns(&self) -> usize {
        self.images * self.len
    }
}

impl Tiling {
    fn new(g: &ConvGeom) -> Tiling {
        let (l, rows) = (g.output_len().max(1), g.rows().max(1));
        let cols = (TILE_ELEMENTS / rows).max(32);
        let (images, len) = if l >= cols { (1, cols) } else { ((cols / l).clamp(1, g.batch.max(1)), l) };
        Tiling { images, len, per_image: l.div_ceil(len), blocks: g.batch.div_ceil(images) }
    }
    fn count(&self) -> usize {
        self.blocks * self.per_image
    }
    /// Tile `t`: block `t / per_image`, position range `t % per_image`.
    fn tile(&self, t: usize, g: &ConvGeom) -> Tile {
        let (n0, l0) = ((t / self.per_image) * self.images, (t % self.per_image) * self.len);
        Tile { n0, images: self.images.min(g.batch - n0), l0, len: self.len.min(g.output_len() - l0) }
    }
    /// Scratch per thread: the im2col tile (rows × columns) and a (filters per group ×
    /// columns) tile of the output or its gradient, gathered from several images.
    fn scratch(&self, g: &ConvGeom) -> (usize, usize) {
        let cols = self.images * self.len;
        (g.rows() * cols, if self.images > 1 { g.filters_per_group() * cols } else { 0 })
    }
}

/// For each output position in `[l0, l0 + len)` and each offset `k` along one axis, the input
/// index `o * stride + k * dilate - pad`, or `None` in the padding.
#[inline(always)]
fn source(o: usize, k: usize, g: &ConvGeom, a: usize) -> Option<usize> {
    let i = (o * g.stride[a] + k * g.dilate[a]) as isize - g.pad[a] as isize;
    (i >= 0 && (i as usize) < g.input[a]).then_some(i as usize)
}

/// One run of an im2col row: the entries `j..j + len` of row `r` read the input along the
/// last axis at `base + start + t * step` for `t` in `lo..hi`, and are zero (padding) for the
/// other `t < len`; `base` is `None` when the whole run lies in the padding.
struct Run {
    r: usize,
    j: usize,
    len: usize,
    base: Option<usize>,
    start: isize,
    step: usize,
    lo: usize,
    hi: usize,
}

/// Calls `f` on every run of one group's im2col tile (output positions `l0..l0 + len`): one
/// run per (row, output row), so the inner loops are plain slices.
#[inline(always)]
fn for_each_run(g: &ConvGeom, l0: usize, len: usize, mut f: impl FnMut(&Run)) {
    let [_, o1, o2] = g.output;
    let [_, k1, k2] = g.kernel;
    let (kvol, plane, width) = (g.kernel_volume(), g.input_len(), g.input[2] as isize);
    let step = g.stride[2];
    // Where the tile starts; each row walks the same output rows from there.
    let (ox0, oy0, oz0) = (l0 % o2, (l0 / o2) % o1, l0 / (o2 * o1));
    for r in 0..g.rows() {
        let (ci, kk) = (r / kvol, r % kvol);
        let (kz, ky, kx) = (kk / (k1 * k2), (kk / k2) % k1, kk % k2);
        let shift = (kx * g.dilate[2]) as isize - g.pad[2] as isize;
        let (mut j, mut ox, mut oy, mut oz) = (0, ox0, oy0, oz0);
        while j < len {
            let run = (o2 - ox).min(len - j);
            let start = (ox * step) as isize + shift;
            // The t with 0 <= start + t * step < width.
            let lo = if start >= 0 { 0 } else { (-start) as usize }.div_ceil(step).min(run);
            let hi = if start >= width { 0 } else { (width - start) as usize }.div_ceil(step).clamp(lo, run);
            let base = match (source(oz, kz, g, 0), source(oy, ky, g, 1)) {
                (Some(iz), Some(iy)) => Some(ci * plane + (iz * g.input[1] + iy) * g.input[2]),
                _ => None,
            };
            f(&Run { r, j, len: run, base, start, step, lo, hi });
            j += run;
            ox = 0;
            oy += 1;
            if oy == o1 {
                oy = 0;
                oz += 1;
            }
        }
    }
}

/// The im2col gather of one convolution. Large feature maps are walked run by run along
/// their output rows; small ones (deep layers, rows of a few elements, where the walk costs
/// more than the copy) through a table of each entry's input offset, built once per call.
struct Unfold<'a> {
    g: &'a ConvGeom,
    /// rows × positions of one image: the input offset, or -1 in the padding.
    table: Option<Vec<i32>>,
}

impl<'a> Unfold<'a> {
    fn new(g: &'a ConvGeom) -> Unfold<'a> {
        let (rows, l) = (g.rows(), g.output_len());
        let small = g.output[2] < 16 && rows * l <= 1 << 22 && g.in_channels_per_group() * g.input_len() < i32::MAX as usize;
        let table = small.then(|| {
            let mut t = vec![-1i32; rows * l];
            for_each_run(g, 0, l, |run| {
                if let Some(base) = run.base {
                    for k in run.lo..run.hi {
                        t[run.r * l + run.j + k] = (base as isize + run.start + (k * run.step) as isize) as i32;
                    }
                }
            });
            t
        });
        Unfold { g, table }
    }

    /// Copies one image's part of a group's im2col tile (rows × `len` positions from `l0`)
    /// into `buf`, whose rows are `ld` apart, from column `col0`.
    ///
    /// # Safety
    /// `x` addresses the group's dense input planes of that image.
    unsafe fn im2col<T: Real>(&self, x: *const T, l0: usize, len: usize, buf: &mut [T], ld: usize, col0: usize) {
        if let Some(t) = &self.table {
            let l = self.g.output_len();
            for r in 0..self.g.rows() {
                let dst = &mut buf[r * ld + col0..][..len];
                for (d, &i) in dst.iter_mut().zip(&t[r * l + l0..][..len]) {
                    *d = if i >= 0 { *x.add(i as usize) } else { T::zero() };
                }
            }
            return;
        }
        for_each_run(self.g, l0, len, |run| {
            let dst = &mut buf[run.r * ld + col0 + run.j..][..run.len];
            match run.base {
                None => dst.fill(T::zero()),
                Some(base) => {
                    dst[..run.lo].fill(T::zero());
                    dst[run.hi..].fill(T::zero());
                    let src = x.offset(base as isize + run.start);
                    if run.step == 1 {
                        dst[run.lo..run.hi].copy_from_slice(std::slice::from_raw_parts(src.add(run.lo), run.hi - run.lo));
                    } else {
                        for t in run.lo..run.hi {
                            dst[t] = *src.add(t * run.step);
                        }
                    }
                }
            }
        });
    }

    /// Adds one image's part of an im2col tile back onto its input planes (the adjoint of
    /// `im2col`).
    ///
    /// # Safety
    /// `x` addresses the group's dense input planes of that image, written by no other thread.
    unsafe fn col2im<T: Real>(&self, buf: &[T], ld: usize, col0: usize, l0: usize, len: usize, x: *mut T) {
        if let Some(t) = &self.table {
            let l = self.g.output_len();
            for r in 0..self.g.rows() {
                for (&v, &i) in buf[r * ld + col0..][..len].iter().zip(&t[r * l + l0..][..len]) {
                    if i >= 0 {
                        *x.add(i as usize) += v;
                    }
                }
            }
            return;
        }
        for_each_run(self.g, l0, len, |run| {
            if let Some(base) = run.base {
                let src = &buf[run.r * ld + col0 + run.j..][..run.len];
                let dst = x.offset(base as isize + run.start);
                for t in run.lo..run.hi {
                    *dst.add(t * run.step) += src[t];
                }
            }
        });
    }
}

/// `dst (m × n) = [dst +] lhs (m × k) · rhs (k × n)`, every operand given by (pointer, row
/// stride, column stride), single-threaded (the callers parallelize over tasks).
#[allow(clippy::too_many_arguments)]
unsafe fn gemm<T: Real>(m: usize, n: usize, k: usize, dst: (*mut T, isize), accumulate: bool, lhs: (*const T, isize, isize), rhs: (*const T, isize, isize)) {
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            for i in 0..m {
                for j in 0..n {
                    *dst.0.offset(i as isize * dst.1 + j as isize) = T::zero();
                }
            }
        }
        return;
    }
    let alpha = if accumulate { T::one() } else { T::zero() };
    ::gemm::gemm(m, n, k, dst.0, 1, dst.1, accumulate, lhs.0, lhs.2, lhs.1, rhs.0, rhs.2, rhs.1, alpha, T::one(), false, false, false, gemm::Parallelism::None);
}

/// Copies an (images × rows × `len`) slab, image `i` row `f` at `src + i * image + f * stride`,
/// into or out of a dense (rows × images·len) tile: the output (gradient) of a multi-image tile.
///
/// # Safety
/// Both sides must be valid for the sizes given.
unsafe fn gather_rows<T: Real>(tile: Tile, rows: usize, src: *const T, image: usize, stride: usize, dst: &mut [T]) {
    let cols = tile.columns();
    for i in 0..tile.images {
        for f in 0..rows {
            let from = std::slice::from_raw_parts(src.add(i * image + f * stride + tile.l0), tile.len);
            dst[f * cols + i * tile.len..][..tile.len].copy_from_slice(from);
        }
    }
}

/// Tasks of the forward pass: (tile, group).
fn cpu_forward<T: Real>(x: &Tensor, w: &Tensor, bias: Option<&Tensor>, g: &ConvGeom) -> Result<Tensor> {
    let (x, w) = (x.contiguous()?, w.contiguous()?);
    let bias = bias.map(|b| b.contiguous()).transpose()?;
    let (rows, l, lin) = (g.rows(), g.output_len(), g.input_len());
    let (cg, fg) = (g.in_channels_per_group(), g.filters_per_group());
    let tiling = Tiling::new(g);
    let unfold = Unfold::new(g);
    let (cols_len, out_len) = tiling.scratch(g);
    let direct = g.pointwise();
    unsafe {
        build::<T>(&g.output_shape(), x.device(), |po| {
            with_ptr::<T, _>(&x, |px| {
                with_ptr::<T, _>(&w, |pw| {
                    let pb = match &bias {
                        Some(b) => with_ptr::<T, _>(b, |p| Ok(Some(Ptr(p.add(b.layout().offset()) as *mut T))))?,
                        None => None,
                    };
                    let (po, px, pw) = (Ptr(po), Ptr(px.add(x.layout().offset()) as *mut T), Ptr(pw.add(w.layout().offset()) as *mut T));
                    crate::cpu::par_tasks::<T>(tiling.count() * g.groups, cols_len + out_len, g.macs(), |t, buf| {
                        let (tile, gi) = (tiling.tile(t / g.groups, g), t % g.groups);
                        let (cbuf, obuf) = buf.split_at_mut(cols_len);
                        let xin = |n: usize| px.at(((n * g.channels + gi * cg) * lin) as isize) as *const T;
                        let wg = (pw.at((gi * fg * rows) as isize) as *const T, rows as isize, 1);
                        let out_row = |n: usize, f: usize| po.at(((n * g.filters + gi * fg + f) * l) as isize);
                        let add_bias = |f: usize, row: &mut [T]| {
                            if let Some(pb) = pb {
                                let b = *pb.at((gi * fg + f) as isize);
                                row.iter_mut().for_each(|v| *v += b);
                            }
                        };
                        if tile.images == 1 {
                            let (n, l0, len) = (tile.n0, tile.l0, tile.len);
                            let rhs = if direct {
                                (xin(n).add(l0), lin as isize, 1)
                            } else {
                                unfold.im2col(xin(n), l0, len, cbuf, len, 0);
                                (cbuf.as_ptr(), len as isize, 1)
                            };
                            gemm::<T>(fg, len, rows, (out_row(n, 0).add(l0), l as isize), false, wg, rhs);
                            (0..fg).for_each(|f| add_bias(f, std::slice::from_raw_parts_mut(out_row(n, f).add(l0), len)));
                        } else {
                            let cols = tile.columns();
                            for i in 0..tile.images {
                                unfold.im2col(xin(tile.n0 + i), 0, tile.len, cbuf, cols, i * tile.len);
                            }
                            gemm::<T>(fg, cols, rows, (obuf.as_mut_ptr(), cols as isize), false, wg, (cbuf.as_ptr(), cols as isize, 1));
                            for i in 0..tile.images {
                                for f in 0..fg {
                                    let row = std::slice::from_raw_parts_mut(out_row(tile.n0 + i, f), l);
                                    row.copy_from_slice(&obuf[f * cols + i * l..][..l]);
                                    add_bias(f, row);
                                }
                            }
                        }
                    });
                    Ok(())
                })
            })
        })
    }
}

/// Tasks of the data gradient: (block of images, group), each owning its images' input
/// planes; the tiles of one image run in order, as neighbouring tiles add into the same
/// input elements.
fn cpu_backward_data<T: Real>(gy: &Tensor, w: &Tensor, g: &ConvGeom) -> Result<Tensor> {
    let (gy, w) = (gy.contiguous()?, w.contiguous()?);
    let (rows, l, lin) = (g.rows(), g.output_len(), g.input_len());
    let (cg, fg) = (g.in_channels_per_group(), g.filters_per_group());
    let tiling = Tiling::new(g);
    let unfold = Unfold::new(g);
    let (cols_len, out_len) = tiling.scratch(g);
    let direct = g.pointwise();
    let numel = g.batch * g.channels * lin;
    unsafe {
        build::<T>(&g.input_shape(), gy.device(), |po| {
            std::slice::from_raw_parts_mut(po, numel).fill(T::zero());
            with_ptr::<T, _>(&gy, |pg| {
                with_ptr::<T, _>(&w, |pw| {
                    let (po, pg, pw) = (Ptr(po), Ptr(pg.add(gy.layout().offset()) as *mut T), Ptr(pw.add(w.layout().offset()) as *mut T));
                    crate::cpu::par_tasks::<T>(tiling.blocks * g.groups, cols_len + out_len, g.macs(), |t, buf| {
                        let (block, gi) = (t / g.groups, t % g.groups);
                        let (cbuf, obuf) = buf.split_at_mut(cols_len);
                        let xin = |n: usize| po.at(((n * g.channels + gi * cg) * lin) as isize);
                        let grad = |n: usize| pg.at(((n * g.filters + gi * fg) * l) as isize) as *const T;
                        // wᵀ of the group: (rows × fg), element (r, f) at f * rows + r.
                        let wt = (pw.at((gi * fg * rows) as isize) as *const T, 1, rows as isize);
                        for ti in 0..tiling.per_image {
                            let tile = tiling.tile(block * tiling.per_image + ti, g);
                            if tile.images == 1 {
                                let (n, l0, len) = (tile.n0, tile.l0, tile.len);
                                let rhs = (grad(n).add(l0), l as isize, 1);
                                if direct {
                                    gemm::<T>(rows, len, fg, (xin(n).add(l0), lin as isize), false, wt, rhs);
                                } else {
                                    gemm::<T>(rows, len, fg, (cbuf.as_mut_ptr(), len as isize), false, wt, rhs);
                                    unfold.col2im(cbuf, len, 0, l0, len, xin(n));
                                }
                            } else {
                                let cols = tile.columns();
                                gather_rows(tile, fg, grad(tile.n0), g.filters * l, l, obuf);
                                gemm::<T>(rows, cols, fg, (cbuf.as_mut_ptr(), cols as isize), false, wt, (obuf.as_ptr(), cols as isize, 1));
                                for i in 0..tile.images {
                                    unfold.col2im(cbuf, cols, i * tile.len, 0, tile.len, xin(tile.n0 + i));
                                }
                            }
                        }
                    });
                    Ok(())
                })
            })
        })
    }
}

/// The weight gradient: each thread sums the products of its (block of images, group) tasks
/// into its own (F, rows) accumulator; the accumulators are added at the end.
fn cpu_backward_weight<T: Real>(gy: &Tensor, x: &Tensor, g: &ConvGeom) -> Result<Tensor> {
    use rayon::prelude::*;
    let (gy, x) = (gy.contiguous()?, x.contiguous()?);
    let (rows, l, lin) = (g.rows(), g.output_len(), g.input_len());
    let (cg, fg) = (g.in_channels_per_group(), g.filters_per_group());
    let tiling = Tiling::new(g);
    let unfold = Unfold::new(g);
    let (cols_len, out_len) = tiling.scratch(g);
    let direct = g.pointwise();
    let size = g.filters * rows;
    let total = with_ptr::<T, _>(&gy, |pg| {
        with_ptr::<T, _>(&x, |px| {
            let (pg, px) = (Ptr(unsafe { pg.add(gy.layout().offset()) } as *mut T), Ptr(unsafe { px.add(x.layout().offset()) } as *mut T));
            let task = |acc: &mut Vec<T>, buf: &mut [T], t: usize| unsafe {
                let (block, gi) = (t / g.groups, t % g.groups);
                let (cbuf, obuf) = buf.split_at_mut(cols_len);
                let xin = |n: usize| px.at(((n * g.channels + gi * cg) * lin) as isize) as *const T;
                let grad = |n: usize| pg.at(((n * g.filters + gi * fg) * l) as isize) as *const T;
                let dst = (acc.as_mut_ptr().add(gi * fg * rows), rows as isize);
                for ti in 0..tiling.per_image {
                    let tile = tiling.tile(block * tiling.per_image + ti, g);
                    if tile.images == 1 {
                        let (n, l0, len) = (tile.n0, tile.l0, tile.len);
                        // colsᵀ: (len × rows), element (j, r) at r * stride + j.
                        let rhs = if direct {
                            (xin(n).add(l0), 1, lin as isize)
                        } else {
                            unfold.im2col(xin(n), l0, len, cbuf, len, 0);
                            (cbuf.as_ptr(), 1, len as isize)
                        };
                        gemm::<T>(fg, rows, len, dst, true, (grad(n).add(l0), l as isize, 1), rhs);
                    } else {
                        let cols = tile.columns();
                        gather_rows(tile, fg, grad(tile.n0), g.filters * l, l, obuf);
                        for i in 0..tile.images {
                            unfold.im2col(xin(tile.n0 + i), 0, tile.len, cbuf, cols, i * tile.len);
                        }
                        gemm::<T>(fg, rows, cols, dst, true, (obuf.as_ptr(), cols as isize, 1), (cbuf.as_ptr(), 1, cols as isize));
                    }
                }
            };
            let tasks = tiling.blocks * g.groups;
            let sum = if tasks > 1 && crate::cpu::pool::num_threads() > 1 && g.macs() >= 1 << 16 {
                crate::cpu::pool::install(|| {
                    (0..tasks)
                        .into_par_iter()
                        .fold(
                            || vec![T::zero(); size],
                            |mut acc, t| {
                                crate::cpu::with_scratch(cols_len + out_len, |buf| task(&mut acc, buf, t));
                                acc
                            },
                        )
                        .reduce_with(|mut a, b| {
                            a.iter_mut().zip(&b).for_each(|(p, q)| *p += *q);
                            a
                        })
                })
            } else {
                let mut acc = vec![T::zero(); size];
                crate::cpu::with_scratch(cols_len + out_len, |buf| (0..tasks).for_each(|t| task(&mut acc, buf, t)));
                Some(acc)
            };
            Ok(sum.unwrap_or_else(|| vec![T::zero(); size]))
        })
    })?;
    Tensor::from_storage(T::wrap(total), &g.weight_shape(), gy.device())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: Vec<f64>, shape: &[usize]) -> Tensor {
        Tensor::from_vec(v, shape).unwrap()
    }

    /// Direct sliding-window reference over the same geometry.
    fn reference(x: &[f64], w: &[f64], g: &ConvGeom) -> Vec<f64> {
        let (cg, fg) = (g.in_channels_per_group(), g.filters_per_group());
        let mut out = vec![0.0; g.batch * g.filters * g.output_len()];
        let [_, o1, o2] = g.output;
        let [k0, k1, k2] = g.kernel;
        for n in 0..g.batch {
            for f in 0..g.filters {
                let gi = f / fg;
                for l in 0..g.output_len() {
                    let (oz, oy, ox) = (l / (o1 * o2), (l / o2) % o1, l % o2);
                    let mut acc = 0.0;
                    for c in 0..cg {
                        for kz in 0..k0 {
                            for ky in 0..k1 {
                                for kx in 0..k2 {
                                    if let (Some(iz), Some(iy), Some(ix)) = (source(oz, kz, g, 0), source(oy, ky, g, 1), source(ox, kx, g, 2)) {
                                        let xi = (((n * g.channels + gi * cg + c) * g.input[0] + iz) * g.input[1] + iy) * g.input[2] + ix;
                                        let wi = (((f * cg + c) * k0 + kz) * k1 + ky) * k2 + kx;
                                        acc += x[xi] * w[wi];
                                    }
                                }
                            }
                        }
                    }
                    out[(n * g.filters + f) * g.output_len() + l] = acc;
                }
            }
        }
        out
    }

    fn seq(n: usize, scale: f64) -> Vec<f64> {
        (0..n).map(|i| ((i * 7919) % 23) as f64 * scale - 1.0).collect()
    }

    #[test]
    fn forward_matches_sliding_windows() {
        for (xs, k, s, p, d, groups, f) in [
            (vec![2, 4, 7, 6], vec![3, 2], vec![2, 1], vec![1, 0], vec![1, 2], 2, 6),
            (vec![1, 3, 9], vec![3], vec![1], vec![2], vec![1], 1, 2),
            (vec![2, 2, 4, 3, 5], vec![2, 1, 3], vec![1, 2, 1], vec![0, 1, 1], vec![1, 1, 1], 1, 3),
            (vec![3, 4, 5, 5], vec![1, 1], vec![1, 1], vec![0, 0], vec![1, 1], 4, 4),
            // Many rows and positions: tiles of one image's positions (the others take blocks of images).
            (vec![2, 64, 20, 20], vec![3, 3], vec![1, 1], vec![1, 1], vec![1, 1], 1, 8),
            // Output rows of 16 and more are walked run by run (shorter ones go through a table).
            (vec![2, 2, 9, 40], vec![3, 3], vec![1, 2], vec![1, 1], vec![2, 1], 2, 4),
        ] {
            let p = ConvParams::new(&k).stride(&s).pad(&p).dilate(&d).groups(groups);
            let mut ws = vec![f, xs[1] / groups];
            ws.extend(&k);
            let (xv, wv) = (seq(xs.iter().product(), 0.1), seq(ws.iter().product(), 0.05));
            let g = p.geometry("test", &xs, &ws, false).unwrap();
            let y = t(xv.clone(), &xs).convolution(&t(wv.clone(), &ws), None, &p).unwrap();
            assert_eq!(y.shape(), g.output_shape().as_slice());
            let want = reference(&xv, &wv, &g);
            for (a, b) in y.to_vec::<f64>().unwrap().iter().zip(&want) {
                assert!((a - b).abs() < 1e-9, "{a} vs {b} for {g:?}");
            }
        }
    }

    #[test]
    fn adjoints_agree() {
        // <conv(x, w), y> = <x, conv_backward_data(y, w)> = <w, conv_backward_weight(y, x)>,
        // with blocks of images per tile and with tiles of one image (and a 1×1 kernel).
        for (p, xs, ws) in [
            (ConvParams::new(&[3, 2]).stride(&[2, 1]).pad(&[1, 1]).dilate(&[1, 2]).groups(2), [2usize, 4, 6, 5], [4usize, 2, 3, 2]),
            (ConvParams::new(&[3, 3]).pad(&[1, 1]), [2, 64, 17, 18], [4, 64, 3, 3]),
            (ConvParams::new(&[1, 1]), [2, 600, 16, 16], [3, 600, 1, 1]),
            (ConvParams::new(&[3, 2]).stride(&[1, 2]).pad(&[2, 1]).dilate(&[2, 1]), [2, 3, 7, 41], [2, 3, 3, 2]),
        ] {
            let g = p.geometry("test", &xs, &ws, false).unwrap();
            let (nx, nw) = (xs.iter().product(), ws.iter().product());
            let (x, w) = (t(seq(nx, 0.1), &xs), t(seq(nw, 0.07), &ws));
            let ys = g.output_shape();
            let y = t(seq(ys.iter().product(), 0.03), &ys);
            let dot = |a: &Tensor, b: &Tensor| a.mul(b).unwrap().sum(None, false).unwrap().to_vec::<f64>().unwrap()[0];
            let lhs = dot(&x.convolution(&w, None, &p).unwrap(), &y);
            let gx = crate::cpu::Cpu.conv_backward_data(&y, &w, &g).unwrap();
            let gw = crate::cpu::Cpu.conv_backward_weight(&y, &x, &g).unwrap();
            let tol = 1e-9 * lhs.abs().max(1.0);
            assert!((lhs - dot(&x, &gx)).abs() < tol && (lhs - dot(&w, &gw)).abs() < tol, "{g:?}");
        }
    }

    #[test]
    fn bad_geometry_is_an_error() {
        let x = t(vec![0.0; 2 * 3 * 4 * 4], &[2, 3, 4, 4]);
        let msg = x.convolution(&t(vec![0.0; 2 * 3 * 25], &[2, 3, 5, 5]), None, &ConvParams::new(&[5, 5])).unwrap_err().to_string();
        assert!(msg.contains("larger than the padded input") && msg.contains("(2, 3, 4, 4)"), "{msg}");
        let msg = x.convolution(&t(vec![0.0; 4 * 9], &[4, 1, 3, 3]), None, &ConvParams::new(&[3, 3]).groups(2)).unwrap_err().to_string();
        assert!(msg.contains("divisible"), "{msg}");
        assert!(x.convolution(&t(vec![0.0; 27], &[1, 3, 9]), None, &ConvParams::new(&[9])).is_err());
    }
}
