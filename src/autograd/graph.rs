//! The recorded graph: variables (`Leaf`), operation nodes (`Node`) and the per-tensor
//! autograd state (`Meta`) that points at them.
//!
//! A node holds the edges to its inputs' producers and the closure that turns the gradient
//! of its output into gradients of its inputs. Node ids grow monotonically, and a node is
//! always created after the nodes of its inputs, so visiting nodes by decreasing id is a
//! topological order: the engine needs no recursion. Dropping a long chain would recurse
//! through `Arc` drops, so nodes dropped while another node is being dropped are queued
//! and released one at a time by the outermost drop.

use super::state::{is_recording, paused};
use crate::dtype::DType;
use crate::error::{fmt_shape, Error, Result};
use crate::layout::Dims;
use crate::storage::Storage;
use crate::tensor::Tensor;
use parking_lot::Mutex;
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// What backward does with a variable's gradient buffer (MXNet's `grad_req`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GradReq {
    /// No gradient: operations on the variable are not recorded for it.
    Null,
    /// Each backward overwrites the buffer (the default).
    Write,
    /// Each backward adds to the buffer.
    Add,
}

impl GradReq {
    pub fn parse(s: &str) -> Result<GradReq> {
        match s {
            "null" => Ok(GradReq::Null),
            "write" => Ok(GradReq::Write),
            "add" => Ok(GradReq::Add),
            _ => Err(Error::Value(format!("grad_req must be 'write', 'add' or 'null', got {s:?}"))),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            GradReq::Null => "null",
            GradReq::Write => "write",
            GradReq::Add => "add",
        }
    }
}

/// A variable's gradient buffer and request.
pub(crate) struct Leaf {
    pub grad: Tensor,
    pub req: GradReq,
}

/// Where the gradient of one input goes: into a node (to be propagated) or a variable.
#[derive(Clone)]
pub(crate) enum Edge {
    Node(Arc<Node>),
    Leaf(Arc<Leaf>),
}

/// One differentiable input of a node: its edge and the shape and dtype its gradient must have.
pub(crate) struct Input {
    pub edge: Edge,
    pub shape: Dims,
    pub dtype: DType,
}

/// Turns the output gradient into one gradient per input (`None`: no contribution). The
/// flags say which inputs need a gradient, so rules can skip the others' work.
pub(crate) type BackwardFn = Box<dyn Fn(&Tensor, &[bool]) -> Result<Vec<Option<Tensor>>> + Send + Sync>;

/// What backward needs of a node; taken out (freed) by a backward without `retain_graph`.
pub(crate) struct Payload {
    pub inputs: Vec<Option<Input>>,
    pub backward: BackwardFn,
    /// Storages the rule reads, with their versions when recorded.
    pub saved: Vec<(Arc<Storage>, u64)>,
}

pub(crate) struct Node {
    pub id: u64,
    pub name: &'static str,
    pub payload: Mutex<Option<Payload>>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static DROPPING: Cell<bool> = const { Cell::new(false) };
    static QUEUE: RefCell<Vec<Payload>> = const { RefCell::new(Vec::new()) };
}

impl Drop for Node {
    fn drop(&mut self) {
        let Some(p) = self.payload.get_mut().take() else { return };
        if DROPPING.with(|d| d.replace(true)) {
            // An outer drop is running on this thread: let it release this payload.
            QUEUE.with(|q| q.borrow_mut().push(p));
            return;
        }
        drop(p);
        while let Some(next) = QUEUE.with(|q| q.borrow_mut().pop()) {
            drop(next);
        }
        DROPPING.with(|d| d.set(false));
    }
}

/// The autograd state of one tensor handle.
#[derive(Default)]
pub(crate) struct Meta {
    /// The node that produced this handle's value, and the storage version right after.
    node: Option<(Arc<Node>, u64)>,
    /// Set by `attach_grad`: this handle is a variable.
    leaf: Option<Arc<Leaf>>,
}

/// The lock around a tensor handle's `Meta`.
#[derive(Default)]
pub(crate) struct MetaCell(Mutex<Meta>);

impl MetaCell {
    pub fn set_leaf(&self, grad: Tensor, req: GradReq) {
        let mut m = self.0.lock();
        m.node = None;
        m.leaf = Some(Arc::new(Leaf { grad, req }));
    }

    pub fn leaf(&self) -> Option<Arc<Leaf>> {
        self.0.lock().leaf.clone()
    }

    pub fn set_node(&self, node: Arc<Node>, version: u64) {
        self.0.lock().node = Some((node, version));
    }

    pub fn node(&self) -> Option<(Arc<Node>, u64)> {
        self.0.lock().node.clone()
    }
}

pub(crate) fn stale_error(name: &str, shape: &[usize]) -> Error {
    Error::Graph(format!(
        "an array of shape {} computed by '{name}' while recording was modified in place afterwards, \
         so its recorded graph no longer describes its value and gradients through it would be wrong; \
         compute it again (or modify a copy) instead",
        fmt_shape(shape)
    ))
}

impl Tensor {
    /// The edge for this tensor as an input of a new node; an error when its value was
    /// changed in place after the node that produced it recorded it. A result whose graph
    /// was freed by a backward pass is a constant now, as in MXNet (d2l relies on this when
    /// it carries an RNN state from one batch to the next).
    pub(crate) fn edge(&self) -> Result<Option<Edge>> {
        let m = self.meta().0.lock();
        if let Some(l) = &m.leaf {
            return Ok((l.req != GradReq::Null).then(|| Edge::Leaf(l.clone())));
        }
        match &m.node {
            Some((n, _)) if n.orphaned(VIEW_DEPTH) => Ok(None),
            Some((n, v)) if *v != self.storage().version() => Err(stale_error(n.name, self.shape())),
            Some((n, _)) => Ok(Some(Edge::Node(n.clone()))),
            None => Ok(None),
        }
    }
}

/// How far `Node::orphaned` follows a chain of one-input nodes.
const VIEW_DEPTH: usize = 3;

impl Node {
    /// Whether this node's graph was freed by a backward pass: its own payload is gone, or it
    /// is a one-input node (a view: `index`, `reshape`, ...) of such a node, up to `depth`
    /// links down. The second case is the results of a multi-result operation (the fused
    /// RNN), which are views of one node: a backward pass from one result frees the shared
    /// node but not the other results' views, which then hold a graph that cannot be
    /// differentiated; like the first case, they are constants from then on.
    fn orphaned(&self, depth: usize) -> bool {
        let below = {
            // A node locked right now is being differentiated (its rule is recording, with
            // create_graph): alive for this purpose. Waiting for the lock would deadlock.
            let Some(p) = self.payload.try_lock() else { return false };
            let Some(p) = p.as_ref() else { return true };
            if depth == 0 {
                return false;
            }
            let mut live = p.inputs.iter().flatten();
            match (live.next(), live.next()) {
                (Some(Input { edge: Edge::Node(n), .. }), None) => n.clone(),
                _ => return false,
            }
        };
        below.orphaned(depth - 1)
    }
}

/// Collects what a backward rule keeps from the forward pass.
pub(crate) struct Saver<'a> {
    out: &'a Tensor,
    needs: Vec<bool>,
    saved: Vec<(Arc<Storage>, u64)>,
}

impl Saver<'_> {
    /// Whether input `i` needs a gradient (rules keep only what those gradients read).
    pub fn needs(&self, i: usize) -> bool {
        self.needs[i]
    }

    /// A tensor the rule reads; changing it in place before backward makes backward fail.
    pub fn keep(&mut self, t: &Tensor) -> Tensor {
        self.saved.push((t.storage().clone(), t.storage().version()));
        t.clone()
    }

    /// The output, detached (a node must not own a handle that owns the node).
    pub fn output(&mut self) -> Tensor {
        let o = self.out.detach();
        self.saved.push((o.storage().clone(), o.storage().version()));
        o
    }
}

/// Runs `forward` and, when this thread is recording and an input needs a gradient, records
/// a node named `name` whose backward rule `rule` builds.
pub(crate) fn track(
    name: &'static str,
    inputs: &[&Tensor],
    forward: impl FnOnce() -> Result<Tensor>,
    rule: impl FnOnce(&mut Saver) -> BackwardFn,
) -> Result<Tensor> {
    if !is_recording() {
        return forward();
    }
    let mut edges = Vec::with_capacity(inputs.len());
    for t in inputs {
        edges.push(t.edge()?.map(|edge| Input { edge, shape: t.shape().into(), dtype: t.dtype() }));
    }
    if edges.iter().all(Option::is_none) {
        return forward();
    }
    let mut out = paused(forward)?;
    if !out.dtype().is_float() {
        return Ok(out);
    }
    if inputs.iter().any(|t| t.same_handle(&out)) {
        // The op returned an input's own handle; the result needs a handle of its own.
        out = out.detach();
    }
    let needs: Vec<bool> = edges.iter().map(Option::is_some).collect();
    let mut saver = Saver { out: &out, needs, saved: Vec::new() };
    let backward = rule(&mut saver);
    let saved = saver.saved;
    let node = Arc::new(Node {
        id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        name,
        payload: Mutex::new(Some(Payload { inputs: edges, backward, saved })),
    });
    out.meta().set_node(node, out.storage().version());
    Ok(out)
}

/// Whether an in-place write into `target` (from `others`) must be recorded. Writing into a
/// variable while recording is an error: its gradient would lose its meaning.
pub(crate) fn records_inplace(target: &Tensor, others: &[&Tensor]) -> Result<bool> {
    if !is_recording() {
        return Ok(false);
    }
    if let Some(l) = target.meta().leaf() {
        if l.req != GradReq::Null {
            return Err(Error::Graph(format!(
                "an array with an attached gradient (shape {}) cannot be modified in place while recording; \
                 modify it outside autograd.record(), or compute a new array",
                fmt_shape(target.shape())
            )));
        }
    }
    if target.edge()?.is_some() {
        return Ok(true);
    }
    for t in others {
        if t.edge()?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Finishes a recorded in-place write: copies the recorded result `value` into `target` and
/// makes `target` a result of `value`'s node.
pub(crate) fn commit_inplace(target: &Tensor, value: &Tensor) -> Result<()> {
    paused(|| target.assign(value))?;
    if let Some((node, _)) = value.meta().node() {
        target.meta().set_node(node, target.storage().version());
    }
    Ok(())
}
