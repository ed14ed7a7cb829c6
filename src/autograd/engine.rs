//! Backward: propagates head gradients through the recorded graph in decreasing node-id
//! order (a topological order, see `graph.rs`), with explicit stacks only, so chains of any
//! depth work. Gradients reaching one place from several paths are summed.

use super::graph::{Edge, GradReq, Input, Leaf, Node, Payload};
use super::state::{paused, Switch};
use crate::error::{fmt_shape, Error, Result};
use crate::tensor::{Scalar, Tensor};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// MXNet's text for differentiating something that is not in a graph.
const NOT_IN_GRAPH: &str = "Cannot differentiate node because it is not in a computational graph. \
You need to set is_recording to true or use autograd.record() to save computational graphs for backward. \
If you want to differentiate the same graph twice, you need to pass retain_graph=True to backward.";

/// Computes the gradients of `heads` (weighted by `head_grads`, ones where `None`) and
/// writes or adds them into the variables' buffers according to their `grad_req`.
pub fn backward(heads: &[Tensor], head_grads: &[Option<Tensor>], retain_graph: bool) -> Result<()> {
    let leaves = propagate(heads, head_grads, retain_graph, false, &[])?.leaves;
    paused(|| {
        for (leaf, g) in leaves {
            match leaf.req {
                GradReq::Write => leaf.grad.assign(&g)?,
                GradReq::Add => leaf.grad.assign(&leaf.grad.add(&g)?)?,
                GradReq::Null => {}
            }
        }
        Ok(())
    })
}

/// The gradients of `heads` with respect to `variables` (variables or recorded results),
/// returned instead of written into buffers. With `create_graph` the computation of the
/// gradients is itself recorded, so they can be differentiated again.
pub fn grad(
    heads: &[Tensor],
    head_grads: &[Option<Tensor>],
    variables: &[Tensor],
    retain_graph: bool,
    create_graph: bool,
) -> Result<Vec<Tensor>> {
    let mut targets = Vec::with_capacity(variables.len());
    for (i, v) in variables.iter().enumerate() {
        match v.edge()? {
            Some(e) => targets.push(e),
            None => {
                return Err(Error::Graph(format!(
                    "autograd.grad: variable {i} (shape {}) is not in the graph; call attach_grad() on it before recording",
                    fmt_shape(v.shape())
                )))
            }
        }
    }
    let found = propagate(heads, head_grads, retain_graph, create_graph, &targets)?.targets;
    variables
        .iter()
        .zip(found)
        .map(|(v, g)| match g {
            Some(g) => Ok(g),
            None => Tensor::zeros(v.shape(), v.dtype(), v.device()),
        })
        .collect()
}

struct Found {
    leaves: Vec<(Arc<Leaf>, Tensor)>,
    targets: Vec<Option<Tensor>>,
}

fn edge_key(e: &Edge) -> (bool, usize) {
    match e {
        Edge::Node(n) => (true, Arc::as_ptr(n) as usize),
        Edge::Leaf(l) => (false, Arc::as_ptr(l) as usize),
    }
}

/// Sums `g` into `acc[key]`.
fn accumulate(acc: &mut HashMap<(bool, usize), Tensor>, key: (bool, usize), g: Tensor) -> Result<()> {
    match acc.remove(&key) {
        Some(prev) => {
            acc.insert(key, prev.add(&g)?);
        }
        None => {
            acc.insert(key, g);
        }
    }
    Ok(())
}

/// Brings a gradient to its input's shape and dtype: broadcasting in the forward pass is a
/// sum in the backward pass.
fn fit(g: Tensor, input: &Input) -> Result<Tensor> {
    let mut g = g;
    if g.shape() != input.shape.as_slice() {
        let (gs, s) = (g.shape().to_vec(), &input.shape);
        if gs.len() < s.len() {
            return Err(Error::Graph(format!(
                "internal: gradient of shape {} cannot be reduced to shape {}",
                fmt_shape(&gs),
                fmt_shape(s)
            )));
        }
        let lead = gs.len() - s.len();
        let mut axes: Vec<isize> = (0..lead as isize).collect();
        for (i, &d) in s.iter().enumerate() {
            if d == 1 && gs[lead + i] != 1 {
                axes.push((lead + i) as isize);
            }
        }
        if !axes.is_empty() {
            g = g.sum(Some(&axes), false)?;
        }
        g = g.reshape(s)?;
    }
    if g.dtype() != input.dtype {
        g = g.astype(input.dtype)?;
    }
    Ok(g)
}

fn propagate(heads: &[Tensor], head_grads: &[Option<Tensor>], retain: bool, create: bool, targets: &[Edge]) -> Result<Found> {
    let _rec = Switch::recording(create);
    let mut acc: HashMap<(bool, usize), Tensor> = HashMap::new();
    let mut stack: Vec<Arc<Node>> = Vec::new();
    let mut leaves: Vec<Arc<Leaf>> = Vec::new();
    let mut leaf_seen: HashSet<usize> = HashSet::new();
    for (i, h) in heads.iter().enumerate() {
        let edge = h.edge()?.ok_or_else(|| Error::Graph(NOT_IN_GRAPH.into()))?;
        let hg = match head_grads.get(i).cloned().flatten() {
            Some(g) => {
                if g.shape() != h.shape() {
                    return Err(Error::Shape(format!(
                        "backward: head gradient of shape {} does not match the head's shape {}",
                        fmt_shape(g.shape()),
                        fmt_shape(h.shape())
                    )));
                }
                g
            }
            None => Tensor::full(h.shape(), Scalar::Float(1.0), h.dtype(), h.device())?,
        };
        match &edge {
            Edge::Node(n) => stack.push(n.clone()),
            Edge::Leaf(l) => {
                if leaf_seen.insert(Arc::as_ptr(l) as usize) {
                    leaves.push(l.clone());
                }
            }
        }
        accumulate(&mut acc, edge_key(&edge), hg)?;
    }

    // Every node reachable from the heads; freed ones are an error.
    let mut seen: HashSet<u64> = HashSet::new();
    let mut order: Vec<Arc<Node>> = Vec::new();
    while let Some(n) = stack.pop() {
        if !seen.insert(n.id) {
            continue;
        }
        {
            let p = n.payload.lock();
            let p = p.as_ref().ok_or_else(|| Error::Graph(NOT_IN_GRAPH.into()))?;
            for input in p.inputs.iter().flatten() {
                match &input.edge {
                    Edge::Node(m) => stack.push(m.clone()),
                    Edge::Leaf(l) => {
                        if leaf_seen.insert(Arc::as_ptr(l) as usize) {
                            leaves.push(l.clone());
                        }
                    }
                }
            }
        }
        order.push(n);
    }
    order.sort_unstable_by(|a, b| b.id.cmp(&a.id));

    let target_keys: Vec<(bool, usize)> = targets.iter().map(edge_key).collect();
    let mut found: Vec<Option<Tensor>> = vec![None; targets.len()];
    for node in &order {
        let key = (true, Arc::as_ptr(node) as usize);
        let Some(g) = acc.remove(&key) else { continue };
        for (i, k) in target_keys.iter().enumerate() {
            if *k == key {
                found[i] = Some(g.clone());
            }
        }
        let mut guard = node.payload.lock();
        let taken: Option<Payload> = if retain { None } else { guard.take() };
        let p = match (&taken, guard.as_ref()) {
            (Some(p), _) => p,
            (None, Some(p)) => p,
            (None, None) => return Err(Error::Graph(NOT_IN_GRAPH.into())),
        };
        for (storage, version) in &p.saved {
            if storage.version() != *version {
                return Err(Error::Graph(format!(
                    "a value needed to compute the gradient of '{}' was modified in place after it was recorded \
                     (version {} is now {}); compute it again instead of modifying it, or modify a copy",
                    node.name,
                    version,
                    storage.version()
                )));
            }
        }
        let needs: Vec<bool> = p.inputs.iter().map(Option::is_some).collect();
        let grads = (p.backward)(&g, &needs)?;
        for (input, gi) in p.inputs.iter().zip(grads) {
            if let (Some(input), Some(gi)) = (input, gi) {
                let gi = fit(gi, input)?;
                accumulate(&mut acc, edge_key(&input.edge), gi)?;
            }
        }
        drop(guard);
        drop(taken);
    }

    let mut out_leaves = Vec::new();
    for l in leaves {
        let key = (false, Arc::as_ptr(&l) as usize);
        if let Some(g) = acc.remove(&key) {
            for (i, k) in target_keys.iter().enumerate() {
                if *k == key {
                    found[i] = Some(g.clone());
                }
            }
            out_leaves.push((l, g));
        }
    }
    Ok(Found { leaves: out_leaves, targets: found })
}
