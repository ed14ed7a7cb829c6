//! Unit tests of the fused layer.

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
