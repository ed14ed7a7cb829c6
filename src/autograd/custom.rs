//! Nodes whose backward rule comes from outside the engine (Python's `autograd.Function`):
//! the outputs were computed with recording paused, and one node makes them results of the
//! inputs with the given rule in place of the chain rule through the forward computation.
//!
//! A node has one output, so several results are packed end to end into the node's value
//! and each result is a recorded view of it (as the fused RNN does): their gradients meet
//! in one buffer, where a result that backward never reached contributes zeros.

use super::graph::track;
use super::state::is_recording;
use crate::dtype::DType;
use crate::error::{fmt_shape, Error, Result};
use crate::ops::index::Index;
use crate::tensor::Tensor;

/// Turns one gradient per output (of the output's shape and dtype) into one gradient per
/// input; a gradient that is not of the input's shape must broadcast to it.
pub type CustomBackward = Box<dyn Fn(&[Tensor]) -> Result<Vec<Tensor>> + Send + Sync>;

/// Makes `outputs` results of `inputs` whose gradients `backward` computes, when this thread
/// is recording and an input needs a gradient; otherwise returns the outputs as they are.
/// Recorded results are new handles of the outputs' data; outputs that are not floating
/// point stay constants (their gradients reach `backward` as zeros). `name` names the rule
/// in error messages.
pub fn custom(name: &'static str, inputs: &[Tensor], outputs: &[Tensor], backward: CustomBackward) -> Result<Vec<Tensor>> {
    let needed = is_recording() && inputs.iter().map(Tensor::edge).collect::<Result<Vec<_>>>()?.iter().any(Option::is_some);
    let differentiable: Vec<usize> = (0..outputs.len()).filter(|&j| outputs[j].dtype().is_float()).collect();
    if !needed || differentiable.is_empty() {
        return Ok(outputs.to_vec());
    }
    let first = &outputs[differentiable[0]];
    for &j in &differentiable {
        first.same_device(&outputs[j], name)?;
    }
    let packed_dtype = if differentiable.iter().all(|&j| outputs[j].dtype() == first.dtype()) { first.dtype() } else { DType::F64 };
    let spec = Spec {
        name,
        inputs: inputs.iter().map(|t| t.shape().to_vec()).collect(),
        outputs: outputs.iter().map(|t| (t.shape().to_vec(), t.dtype())).collect(),
        packed: (differentiable.len() > 1).then(|| offsets(outputs, &differentiable)),
        device: first.device(),
    };
    let pack = spec.packed.is_some();
    let value = || match pack {
        false => Ok(first.detach()),
        true => {
            let flat = differentiable.iter().map(|&j| outputs[j].reshape(&[outputs[j].numel()])?.astype(packed_dtype)).collect::<Result<Vec<_>>>()?;
            Tensor::concatenate(&flat, Some(0))
        }
    };
    let refs: Vec<&Tensor> = inputs.iter().collect();
    let packed_spec = spec.packed.clone();
    let node = track(name, &refs, value, move |_| Box::new(move |g, needs| spec.backward(&backward, g, needs)))?;
    let mut results = outputs.to_vec();
    match packed_spec {
        None => results[differentiable[0]] = node,
        Some(ranges) => {
            for (j, (start, stop)) in ranges.into_iter().enumerate().filter_map(|(j, r)| Some((j, r?))) {
                let part = node.index(&[slice(start, stop)])?.reshape(outputs[j].shape())?;
                results[j] = if part.dtype() == outputs[j].dtype() { part } else { part.astype(outputs[j].dtype())? };
            }
        }
    }
    Ok(results)
}

/// Where each differentiable output lies in the packed value (`None`: not differentiable).
fn offsets(outputs: &[Tensor], differentiable: &[usize]) -> Vec<Option<(usize, usize)>> {
    let mut at = 0;
    (0..outputs.len())
        .map(|j| {
            differentiable.contains(&j).then(|| {
                at += outputs[j].numel();
                (at - outputs[j].numel(), at)
            })
        })
        .collect()
}

fn slice(start: usize, stop: usize) -> Index {
    Index::Slice { start: Some(start as isize), stop: Some(stop as isize), step: None }
}

/// What the node's rule knows of the recorded call.
struct Spec {
    name: &'static str,
    inputs: Vec<Vec<usize>>,
    outputs: Vec<(Vec<usize>, DType)>,
    packed: Option<Vec<Option<(usize, usize)>>>,
    device: crate::Device,
}

impl Spec {
    /// The node's rule: unpacks the outputs' gradients, runs `backward` and checks that it
    /// gave one gradient per input, each of (or broadcasting to) the input's shape.
    fn backward(&self, backward: &CustomBackward, g: &Tensor, needs: &[bool]) -> Result<Vec<Option<Tensor>>> {
        let mut grads = Vec::with_capacity(self.outputs.len());
        for (j, (shape, dtype)) in self.outputs.iter().enumerate() {
            let range = self.packed.as_ref().map(|ranges| ranges[j]);
            let gj = match range {
                None if dtype.is_float() => g.clone(),
                Some(Some((start, stop))) => {
                    let part = g.index(&[slice(start, stop)])?.reshape(shape)?;
                    if part.dtype() == *dtype { part } else { part.astype(*dtype)? }
                }
                _ => Tensor::zeros(shape, *dtype, self.device)?,
            };
            grads.push(gj);
        }
        let returned = backward(&grads)?;
        if returned.len() != self.inputs.len() {
            return Err(Error::Graph(format!(
                "{}.backward returned {} gradient(s), but forward took {} input(s): it must return one gradient per input",
                self.name,
                returned.len(),
                self.inputs.len()
            )));
        }
        returned
            .into_iter()
            .enumerate()
            .map(|(i, gi)| {
                let shape = &self.inputs[i];
                if gi.shape() != shape.as_slice() && !broadcasts(gi.shape(), shape) {
                    return Err(Error::Shape(format!(
                        "{}.backward returned a gradient of shape {} for input {i}, which has shape {}",
                        self.name,
                        fmt_shape(gi.shape()),
                        fmt_shape(shape)
                    )));
                }
                match needs[i] {
                    false => Ok(None),
                    true if gi.shape() == shape.as_slice() => Ok(Some(gi)),
                    true => gi.broadcast_to(shape).map(Some),
                }
            })
            .collect()
    }
}

/// Whether an array of shape `from` broadcasts to shape `to` (NumPy's rule, one way).
fn broadcasts(from: &[usize], to: &[usize]) -> bool {
    from.len() <= to.len() && from.iter().rev().zip(to.iter().rev()).all(|(&f, &t)| f == t || f == 1)
}
