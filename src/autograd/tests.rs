//! Unit tests of the autograd core through its public Rust API: `grad_req` semantics,
//! deep chains, the version check on in-place writes, per-thread recording.

use crate::autograd::{self, backward, grad, record, GradReq};
use crate::error::Error;
use crate::tensor::{Scalar, Tensor};
use crate::{BinaryOp, DType};

fn t(v: &[f64]) -> Tensor {
    Tensor::from_vec(v.to_vec(), &[v.len()]).unwrap()
}

fn var(v: &[f64], req: GradReq) -> Tensor {
    let x = t(v);
    x.attach_grad(req).unwrap();
    x
}

fn vals(x: &Tensor) -> Vec<f64> {
    x.to_vec::<f64>().unwrap()
}

fn scale(x: &Tensor, k: f64) -> Tensor {
    x.binary_scalar(Scalar::Float(k), BinaryOp::Mul, false).unwrap()
}

/// Recording is per thread and these tests share threads with others: each starts clean.
fn clean() {
    autograd::set_recording(false);
    autograd::set_training(false);
}

#[test]
fn attach_grad_gives_zero_buffer_and_rejects_ints() {
    clean();
    let x = t(&[1.0, 2.0]);
    assert!(x.grad().is_none());
    assert!(x.grad_req().is_none());
    x.attach_grad(GradReq::Write).unwrap();
    assert_eq!(vals(&x.grad().unwrap()), vec![0.0, 0.0]);
    assert_eq!(x.grad().unwrap().dtype(), DType::F64);
    assert_eq!(x.grad_req(), Some(GradReq::Write));
    x.attach_grad(GradReq::Null).unwrap();
    assert!(x.grad().is_none());
    assert_eq!(x.grad_req(), Some(GradReq::Null));
    let i = Tensor::from_vec(vec![1i32, 2], &[2]).unwrap();
    assert!(matches!(i.attach_grad(GradReq::Write), Err(Error::DType(_))));
    assert!(matches!(GradReq::parse("sometimes"), Err(Error::Value(_))));
    assert_eq!(GradReq::parse("add").unwrap(), GradReq::Add);
}

#[test]
fn write_overwrites_and_add_accumulates() {
    clean();
    let w = var(&[1.0, 2.0], GradReq::Write);
    let a = var(&[1.0, 2.0], GradReq::Add);
    let live_w = w.grad().unwrap();
    for k in [2.0, 3.0] {
        let y = record(|| scale(&w, k).add(&scale(&a, k)).unwrap().sum(None, false)).unwrap();
        backward(&[y], &[None], false).unwrap();
    }
    assert_eq!(vals(&w.grad().unwrap()), vec![3.0, 3.0]);
    assert_eq!(vals(&live_w), vec![3.0, 3.0], "grad() is the live buffer");
    assert_eq!(vals(&a.grad().unwrap()), vec![5.0, 5.0]);
}

#[test]
fn null_is_not_recorded() {
    clean();
    let x = var(&[1.0, 2.0], GradReq::Null);
    let y = record(|| x.mul(&x)).unwrap();
    assert!(!y.requires_grad());
    assert!(matches!(backward(&[y], &[None], false), Err(Error::Graph(_))));
}

#[test]
fn nothing_recorded_outside_record() {
    clean();
    let x = var(&[1.0, 2.0], GradReq::Write);
    let y = x.mul(&x).unwrap();
    assert!(!y.requires_grad());
    match backward(&[y], &[None], false) {
        Err(Error::Graph(m)) => assert!(m.contains("Cannot differentiate node because it is not in a computational graph")),
        other => panic!("expected a graph error, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn leaf_used_twice_and_head_gradient() {
    clean();
    let x = var(&[1.0, 2.0, -3.0], GradReq::Write);
    let y = record(|| x.mul(&x)?.add(&x)).unwrap();
    backward(&[y], &[Some(t(&[1.0, 2.0, 1.0]))], false).unwrap();
    assert_eq!(vals(&x.grad().unwrap()), vec![3.0, 10.0, -5.0]);
}

#[test]
fn head_gradient_shape_is_checked() {
    clean();
    let x = var(&[1.0, 2.0], GradReq::Write);
    let y = record(|| x.mul(&x)).unwrap();
    assert!(matches!(backward(&[y.clone()], &[Some(t(&[1.0]))], true), Err(Error::Shape(_))));
    backward(&[y], &[None], false).unwrap();
    assert_eq!(vals(&x.grad().unwrap()), vec![2.0, 4.0]);
}

#[test]
fn retain_graph() {
    clean();
    let x = var(&[1.0, 2.0], GradReq::Add);
    let y = record(|| x.mul(&x)?.sum(None, false)).unwrap();
    backward(&[y.clone()], &[None], true).unwrap();
    backward(&[y.clone()], &[None], false).unwrap();
    assert_eq!(vals(&x.grad().unwrap()), vec![4.0, 8.0]);
    assert!(matches!(backward(&[y], &[None], false), Err(Error::Graph(_))));
}

#[test]
fn grad_returns_without_touching_buffers_and_create_graph() {
    clean();
    let x = var(&[2.0], GradReq::Write);
    let y = record(|| x.mul(&x)?.mul(&x)).unwrap();
    let g = grad(&[y.clone()], &[None], &[x.clone()], true, false).unwrap();
    assert_eq!(vals(&g[0]), vec![12.0]);
    assert!(!g[0].requires_grad());
    assert_eq!(vals(&x.grad().unwrap()), vec![0.0]);
    let d1 = record(|| grad(&[y.clone()], &[None], &[x.clone()], true, true)).unwrap().remove(0);
    assert_eq!(vals(&d1), vec![12.0]);
    assert!(d1.requires_grad());
    backward(&[d1], &[None], false).unwrap();
    assert_eq!(vals(&x.grad().unwrap()), vec![12.0]);
    let plain = t(&[1.0]);
    assert!(matches!(grad(&[y], &[None], &[plain], false, false), Err(Error::Graph(_))));
}

#[test]
fn detach_cuts_the_graph_and_shares_storage() {
    clean();
    let x = var(&[1.0, 2.0], GradReq::Write);
    let (y, z) = record(|| {
        let y = x.mul(&x).unwrap();
        let z = y.detach().mul(&x).unwrap().sum(None, false).unwrap();
        (y, z)
    });
    assert!(std::sync::Arc::ptr_eq(y.storage(), y.detach().storage()));
    assert!(!y.detach().requires_grad());
    backward(&[z], &[None], false).unwrap();
    assert_eq!(vals(&x.grad().unwrap()), vec![1.0, 4.0]);
}

const DEPTH: usize = 100_000;

#[test]
fn deep_chain_backward_and_drop() {
    clean();
    let x = var(&[1.0, 2.0], GradReq::Write);
    let y = record(|| {
        let mut y = x.clone();
        for _ in 0..DEPTH {
            y = y.add(&x).unwrap();
        }
        y
    });
    backward(&[y.clone()], &[None], false).unwrap();
    assert_eq!(vals(&x.grad().unwrap()), vec![(DEPTH + 1) as f64; 2]);
    drop(y);
}

#[test]
fn deep_chain_dropped_without_backward() {
    clean();
    let x = var(&[1.0], GradReq::Write);
    for retain in [None, Some(true)] {
        let y = record(|| {
            let mut y = x.clone();
            for _ in 0..DEPTH {
                y = scale(&y, 1.0001);
            }
            y
        });
        if let Some(r) = retain {
            backward(&[y.clone()], &[None], r).unwrap();
        }
        drop(y); // must not overflow the stack
    }
    let y = record(|| scale(&x, 2.0));
    backward(&[y], &[None], false).unwrap();
    assert_eq!(vals(&x.grad().unwrap()), vec![2.0]);
}

#[test]
fn modifying_a_saved_value_fails_backward() {
    clean();
    let x = var(&[1.0, 2.0], GradReq::Write);
    let w = t(&[3.0, 4.0]);
    let y = record(|| x.mul(&w)).unwrap();
    w.fill(Scalar::Float(0.0)).unwrap();
    match backward(&[y], &[None], false) {
        Err(Error::Graph(m)) => assert!(m.contains("modified in place"), "{m}"),
        other => panic!("expected a graph error, got {:?}", other.map(|_| ())),
    }
    // A value the rule does not read may change.
    let c = t(&[1.0, 1.0]);
    let y = record(|| x.add(&c)).unwrap();
    c.fill(Scalar::Float(5.0)).unwrap();
    backward(&[y], &[None], false).unwrap();
    assert_eq!(vals(&x.grad().unwrap()), vec![1.0, 1.0]);
}

#[test]
fn inplace_while_recording() {
    clean();
    let x = var(&[1.0, 2.0], GradReq::Write);
    // Writing into a variable while recording is refused.
    let r = record(|| x.binary_scalar_inplace(Scalar::Float(1.0), BinaryOp::Add));
    assert!(matches!(r, Err(Error::Graph(_))));
    assert_eq!(vals(&x), vec![1.0, 2.0]);
    // Writing into a recorded result is recorded.
    let y = record(|| {
        let y = scale(&x, 1.0);
        y.binary_scalar_inplace(Scalar::Float(3.0), BinaryOp::Mul).unwrap();
        y.sum(None, false).unwrap()
    });
    backward(&[y], &[None], false).unwrap();
    assert_eq!(vals(&x.grad().unwrap()), vec![3.0, 3.0]);
    // A recorded result changed in place outside record cannot be used again.
    let y = record(|| scale(&x, 2.0));
    y.binary_scalar_inplace(Scalar::Float(1.0), BinaryOp::Add).unwrap();
    assert!(matches!(record(|| scale_checked(&y)), Err(Error::Graph(_))));
    assert!(matches!(backward(&[y], &[None], false), Err(Error::Graph(_))));
}

fn scale_checked(y: &Tensor) -> crate::error::Result<Tensor> {
    y.binary_scalar(Scalar::Float(2.0), BinaryOp::Mul, false)
}

#[test]
fn recording_is_per_thread() {
    clean();
    let x = var(&[1.0, 2.0], GradReq::Write);
    let (inside, y_thread) = record(|| {
        assert!(autograd::is_recording() && autograd::is_training());
        let x2 = x.clone();
        std::thread::spawn(move || (autograd::is_recording() || autograd::is_training(), x2.mul(&x2).unwrap()))
            .join()
            .unwrap()
    });
    assert!(!inside, "a new thread starts outside record()");
    assert!(!y_thread.requires_grad());
    assert!(!autograd::is_recording() && !autograd::is_training(), "record() restores the flags");
    // A graph recorded in one thread can be differentiated in another.
    let y = std::thread::spawn({
        let x = x.clone();
        move || record(|| x.mul(&x).unwrap())
    })
    .join()
    .unwrap();
    backward(&[y], &[None], false).unwrap();
    assert_eq!(vals(&x.grad().unwrap()), vec![2.0, 4.0]);
}

#[test]
fn record_restores_flags_on_nesting() {
    clean();
    assert!(!autograd::set_recording(true));
    assert!(autograd::set_recording(false));
    record(|| {
        autograd::set_training(false);
        record(|| assert!(autograd::is_recording() && autograd::is_training()));
        assert!(autograd::is_recording() && !autograd::is_training());
    });
    assert!(!autograd::is_recording() && !autograd::is_training());
}

#[test]
fn dropping_an_unreleased_graph_frees_its_storage() {
    clean();
    let x = var(&[1.0, 2.0], GradReq::Write);
    let (y, h) = record(|| {
        let h = x.mul(&x).unwrap();
        (h.mul(&h).unwrap(), h)
    });
    let weak = std::sync::Arc::downgrade(h.storage());
    drop(h);
    assert!(weak.upgrade().is_some(), "the graph keeps what its rules read");
    drop(y);
    assert!(weak.upgrade().is_none(), "dropping the graph frees it");
}

/// An in-place write while recording whose rule reads the target (`y *= x` with `x` a
/// variable) must not make the node keep `y`'s own handle, whose autograd state points at
/// that node: a reference cycle would keep the graph and its storages alive forever.
#[test]
fn inplace_graph_without_backward_is_freed() {
    clean();
    let x = var(&[1.0, 2.0], GradReq::Write);
    let y = record(|| {
        let y = scale(&x, 1.0);
        y.binary_inplace(&x, BinaryOp::Mul).unwrap();
        y
    });
    let weak = std::sync::Arc::downgrade(y.storage());
    drop(y);
    assert!(weak.upgrade().is_none(), "the recorded in-place graph leaked");
}

// ---- custom nodes (`autograd.Function`) --------------------------------------------------------

/// A rule `(g0, g1) -> (k0 * g0 + g1, g1)` (`g1` of shape (2, 1) flattened) that counts its calls.
fn scaled_rule(k0: f64, calls: std::sync::Arc<std::sync::atomic::AtomicUsize>) -> autograd::CustomBackward {
    Box::new(move |grads| {
        calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(grads.len(), 2);
        let g1 = grads[1].reshape(&[2])?;
        Ok(vec![scale(&grads[0], k0).add(&g1)?, g1])
    })
}

#[test]
fn custom_node_routes_packed_output_gradients() {
    clean();
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let a = var(&[1.0, 2.0], GradReq::Write);
    let b = var(&[3.0, 4.0], GradReq::Write);
    let (p, s) = (a.mul(&b).unwrap(), a.add(&b).unwrap().reshape(&[2, 1]).unwrap());
    let outs = record(|| autograd::custom("pair", &[a.clone(), b.clone()], &[p.clone(), s.clone()], scaled_rule(10.0, calls.clone()))).unwrap();
    assert!(!outs[0].same_handle(&p) && outs[1].shape() == [2, 1]);
    assert_eq!(vals(&outs[0]), vec![3.0, 8.0]);
    assert_eq!(vals(&outs[1]), vec![4.0, 6.0]);
    // Only the first result is used: the second one's gradient reaches the rule as zeros.
    backward(&[record(|| outs[0].sum(None, false)).unwrap()], &[None], false).unwrap();
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(vals(&a.grad().unwrap()), vec![10.0, 10.0]);
    assert_eq!(vals(&b.grad().unwrap()), vec![0.0, 0.0]);
    // Both used, with weights: the gradients meet in the one packed node.
    let outs = record(|| autograd::custom("pair", &[a.clone(), b.clone()], &[p.clone(), s.clone()], scaled_rule(10.0, calls.clone()))).unwrap();
    let loss = record(|| outs[0].sum(None, false)?.add(&scale(&outs[1], 2.0).sum(None, false)?)).unwrap();
    backward(&[loss], &[None], false).unwrap();
    assert_eq!(vals(&a.grad().unwrap()), vec![12.0, 12.0]);
    assert_eq!(vals(&b.grad().unwrap()), vec![2.0, 2.0]);
}

#[test]
fn custom_node_records_nothing_without_a_gradient_to_compute() {
    clean();
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let x = t(&[1.0]);
    let y = scale(&x, 2.0);
    let outs = record(|| autograd::custom("f", &[x.clone()], &[y.clone(), y.clone()], scaled_rule(1.0, calls.clone()))).unwrap();
    assert!(outs[0].same_handle(&y) && !outs[0].requires_grad());
    let v = var(&[1.0], GradReq::Write);
    let outs = autograd::custom("f", &[v], &[y.clone()], scaled_rule(1.0, calls)).unwrap();
    assert!(outs[0].same_handle(&y), "not recording");
}

#[test]
fn custom_node_checks_what_the_rule_returns() {
    clean();
    let x = var(&[1.0, 2.0], GradReq::Write);
    let run = |rule: autograd::CustomBackward| {
        let y = record(|| autograd::custom("Rule", &[x.clone()], &[scale(&x, 1.0)], rule)).unwrap();
        backward(&[y[0].clone()], &[None], false)
    };
    let none: autograd::CustomBackward = Box::new(|_| Ok(vec![]));
    match run(none) {
        Err(Error::Graph(m)) => assert!(m.contains("Rule.backward returned 0 gradient(s)") && m.contains("1 input(s)"), "{m}"),
        other => panic!("{other:?}"),
    }
    let wrong: autograd::CustomBackward = Box::new(|_| Ok(vec![t(&[1.0, 2.0, 3.0])]));
    match run(wrong) {
        Err(Error::Shape(m)) => assert!(m.contains("shape (3,) for input 0, which has shape (2,)"), "{m}"),
        other => panic!("{other:?}"),
    }
    let broadcast: autograd::CustomBackward = Box::new(|_| Ok(vec![t(&[5.0])]));
    run(broadcast).unwrap();
    assert_eq!(vals(&x.grad().unwrap()), vec![5.0, 5.0]);
    // An error of the layer above comes back as it is.
    let foreign = Error::Foreign(crate::error::Foreign::new("raised above".to_string()));
    let expected = foreign.clone();
    let fails: autograd::CustomBackward = Box::new(move |_| Err(foreign.clone()));
    let err = run(fails).unwrap_err();
    assert_eq!(err, expected);
    assert_eq!(err.to_string(), "raised above");
    let Error::Foreign(f) = err else { unreachable!() };
    assert_eq!(f.downcast_ref::<String>().map(String::as_str), Some("raised above"));
}

#[test]
fn custom_node_rule_records_under_create_graph() {
    clean();
    let x = var(&[2.0, -1.0], GradReq::Write);
    // y = x^3 with the rule dy * 3 x^2 (written with recorded operations on the input).
    let rule: autograd::CustomBackward = {
        let x = x.clone();
        Box::new(move |g| Ok(vec![g[0].mul(&scale(&x.mul(&x)?, 3.0))?]))
    };
    let dx = record(|| {
        let y = autograd::custom("cube", &[x.clone()], &[x.mul(&x)?.mul(&x)?], rule)?;
        let dx = grad(&[y[0].clone()], &[None], &[x.clone()], true, true)?;
        Ok::<_, Error>(dx[0].clone())
    })
    .unwrap();
    assert_eq!(vals(&dx), vec![12.0, 3.0]);
    backward(&[dx], &[None], false).unwrap();
    assert_eq!(vals(&x.grad().unwrap()), vec![12.0, -6.0]);
}
