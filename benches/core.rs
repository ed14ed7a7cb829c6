//! Criterion benchmarks of the Rust core (no Python involved).
//!
//! Run (use a separate target dir so the bench build does not lock the main one):
//!
//! ```text
//! CARGO_TARGET_DIR=target/bench cargo bench --bench core
//! CARGO_TARGET_DIR=target/bench cargo bench --bench core -- matmul   # a subset
//! ```
//!
//! Sample counts and measurement times are kept small so the whole run takes well under
//! three minutes on a 2-core machine. Throughput is reported in elements (elementwise,
//! reduction, copy) or in FLOP-as-"elements" (matmul: 2·m·n·k), so criterion's
//! "Melem/s"/"Gelem/s" for matmul reads as MFLOP/s / GFLOP/s.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use deepblocks::{DType, Device, Tensor};

fn rand(shape: &[usize]) -> Tensor {
    Tensor::rand_uniform(-1.0, 1.0, shape, DType::F32, Device::Cpu(0)).expect("rand_uniform")
}

/// Elementwise add: a tiny case (per-call overhead of the native API) and a 16M-element
/// case (memory bound: 3 × 64 MiB of traffic per call).
fn bench_add(c: &mut Criterion) {
    let mut g = c.benchmark_group("add_f32");
    g.warm_up_time(Duration::from_millis(500));

    let n = 100;
    let a = Tensor::from_vec((0..n).map(|i| i as f32).collect::<Vec<_>>(), &[n]).unwrap();
    let b = Tensor::from_vec((0..n).map(|i| (2 * i) as f32).collect::<Vec<_>>(), &[n]).unwrap();
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(50).measurement_time(Duration::from_secs(2));
    g.bench_with_input(BenchmarkId::from_parameter(n), &n, |bch, _| {
        bch.iter(|| black_box(&a).add(black_box(&b)).unwrap())
    });

    let n = 16 * 1024 * 1024;
    let a = rand(&[n]);
    let b = rand(&[n]);
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    g.bench_with_input(BenchmarkId::from_parameter("16M"), &n, |bch, _| {
        bch.iter(|| black_box(&a).add(black_box(&b)).unwrap())
    });
    g.finish();
}

/// Broadcast add: (4096, 4096) + (4096,) — the row vector is reused for every row.
fn bench_broadcast_add(c: &mut Criterion) {
    let mut g = c.benchmark_group("broadcast_add_f32");
    g.warm_up_time(Duration::from_millis(500));
    let a = rand(&[4096, 4096]);
    let b = rand(&[4096]);
    g.throughput(Throughput::Elements(4096 * 4096));
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    g.bench_function("4096x4096+4096", |bch| {
        bch.iter(|| black_box(&a).add(black_box(&b)).unwrap())
    });
    g.finish();
}

/// Square float32 matmul (gemm crate). Throughput is in FLOPs (2·n³ per call).
fn bench_matmul(c: &mut Criterion) {
    let mut g = c.benchmark_group("matmul_f32");
    g.warm_up_time(Duration::from_millis(500));
    for &(n, samples, secs) in &[(256usize, 20usize, 2u64), (1024, 10, 6)] {
        let a = rand(&[n, n]);
        let b = rand(&[n, n]);
        g.throughput(Throughput::Elements((2 * n * n * n) as u64));
        g.sample_size(samples).measurement_time(Duration::from_secs(secs));
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |bch, _| {
            bch.iter(|| black_box(&a).matmul(black_box(&b)).unwrap())
        });
    }
    g.finish();
}

/// Full reduction of 16M float32 elements to a 0-d tensor.
fn bench_sum(c: &mut Criterion) {
    let mut g = c.benchmark_group("sum_f32");
    g.warm_up_time(Duration::from_millis(500));
    let n = 16 * 1024 * 1024;
    let a = rand(&[n]);
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(10).measurement_time(Duration::from_secs(3));
    g.bench_with_input(BenchmarkId::from_parameter("16M"), &n, |bch, _| {
        bch.iter(|| black_box(&a).sum(None, false).unwrap())
    });
    g.finish();
}

/// Sort of 16M float32 elements (one lane: the parallel radix sort) and argsort of
/// (4096, 1000) along the last axis (many short lanes, one per task).
fn bench_sort(c: &mut Criterion) {
    let mut g = c.benchmark_group("sort_f32");
    g.warm_up_time(Duration::from_millis(500));
    g.sample_size(10).measurement_time(Duration::from_secs(3));
    let n = 16 * 1024 * 1024;
    let a = rand(&[n]);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_with_input(BenchmarkId::from_parameter("16M"), &n, |bch, _| {
        bch.iter(|| black_box(&a).sort(None, false).unwrap())
    });
    let rows = rand(&[4096, 1000]);
    g.throughput(Throughput::Elements(4096 * 1000));
    g.bench_with_input(BenchmarkId::from_parameter("argsort_4096x1000"), &n, |bch, _| {
        bch.iter(|| black_box(&rows).argsort(Some(-1), false).unwrap())
    });
    g.finish();
}

/// Strided copy: materialise the transpose of a (4096, 4096) float32 matrix.
fn bench_transpose_copy(c: &mut Criterion) {
    let mut g = c.benchmark_group("transpose_copy_f32");
    g.warm_up_time(Duration::from_millis(500));
    let a = rand(&[4096, 4096]);
    g.throughput(Throughput::Elements(4096 * 4096));
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    g.bench_function("4096x4096", |bch| {
        bch.iter(|| black_box(&a).transpose(None).unwrap().copy().unwrap())
    });
    g.finish();
}

/// Autograd: forward + backward of a 100-op elementwise chain on 100 elements (graph
/// bookkeeping dominates) and of a 3-layer ReLU MLP, batch 256, 784-256-256-10 (the
/// matrix products dominate). The same work as `chain100` and `mlp3` in benches/compare.py.
fn bench_autograd(c: &mut Criterion) {
    use deepblocks::autograd::{self, GradReq};
    use deepblocks::{BinaryOp, Scalar, UnaryOp};
    let mut g = c.benchmark_group("autograd");
    g.warm_up_time(Duration::from_millis(500)).sample_size(30).measurement_time(Duration::from_secs(3));

    let x = rand(&[100]);
    x.attach_grad(GradReq::Write).unwrap();
    g.bench_function("chain100", |bch| {
        bch.iter(|| {
            let s = autograd::record(|| {
                let mut y = x.clone();
                for _ in 0..25 {
                    y = y.binary_scalar(Scalar::Float(1.001), BinaryOp::Mul, false)?;
                    y = y.add(&x)?;
                    y = y.unary(UnaryOp::Tanh)?;
                    y = y.mul(&x)?;
                }
                y.sum(None, false)
            })
            .unwrap();
            autograd::backward(&[s], &[None], false).unwrap();
        })
    });

    let sizes = [784, 256, 256, 10];
    let input = rand(&[256, 784]);
    let params: Vec<(Tensor, Tensor)> = sizes
        .windows(2)
        .map(|w| {
            let (wt, b) = (rand(&[w[0], w[1]]), rand(&[w[1]]));
            wt.attach_grad(GradReq::Write).unwrap();
            b.attach_grad(GradReq::Write).unwrap();
            (wt, b)
        })
        .collect();
    g.bench_function("mlp3_b256", |bch| {
        bch.iter(|| {
            let loss = autograd::record(|| {
                let mut h = input.clone();
                for (i, (wt, b)) in params.iter().enumerate() {
                    h = h.matmul(wt)?.add(b)?;
                    if i < 2 {
                        h = h.unary(UnaryOp::Relu)?;
                    }
                }
                // Mean squared activation as a simple scalar loss.
                h.mul(&h)?.mean(None, false)
            })
            .unwrap();
            autograd::backward(&[loss], &[None], false).unwrap();
        })
    });
    g.finish();
}

/// A 3×3 convolution, 64→64 channels, 56×56, batch 8 (ResNet's most common layer): forward,
/// and forward + backward (data and weight gradients); throughput in FLOP. Max pooling 3×3/2
/// on (32, 64, 56, 56).
fn bench_conv(c: &mut Criterion) {
    use deepblocks::autograd;
    use deepblocks::ops::conv::ConvParams;
    use deepblocks::ops::pool::{PoolKind, PoolParams};
    let mut g = c.benchmark_group("conv");
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(3));
    g.sample_size(10);
    let (x, w) = (rand(&[8, 64, 56, 56]), rand(&[64, 64, 3, 3]));
    let p = ConvParams::new(&[3, 3]).pad(&[1, 1]);
    g.throughput(Throughput::Elements(2 * 8 * 64 * 64 * 9 * 56 * 56));
    g.bench_function("3x3_64_56x56_b8_fwd", |bch| bch.iter(|| black_box(x.convolution(&w, None, &p).unwrap())));
    let (xv, wv) = (x.copy().unwrap(), w.copy().unwrap());
    xv.attach_grad(autograd::GradReq::Write).unwrap();
    wv.attach_grad(autograd::GradReq::Write).unwrap();
    g.throughput(Throughput::Elements(3 * 2 * 8 * 64 * 64 * 9 * 56 * 56));
    g.bench_function("3x3_64_56x56_b8_fwd_bwd", |bch| {
        bch.iter(|| {
            let y = autograd::record(|| xv.convolution(&wv, None, &p)?.sum(None, false)).unwrap();
            autograd::backward(&[y], &[None], false).unwrap();
        })
    });
    let px = rand(&[32, 64, 56, 56]);
    let pp = PoolParams::new(PoolKind::Max, &[3, 3]).stride(&[2, 2]);
    g.throughput(Throughput::Elements(px.numel() as u64));
    g.bench_function("maxpool_3x3s2_32x64x56x56", |bch| bch.iter(|| black_box(px.pooling(&pp).unwrap())));
    g.finish();
}

criterion_group!(
    benches,
    bench_conv,
    bench_add,
    bench_broadcast_add,
    bench_matmul,
    bench_sum,
    bench_sort,
    bench_transpose_copy,
    bench_autograd
);
criterion_main!(benches);
