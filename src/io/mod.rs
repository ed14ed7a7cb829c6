//! Files of tensors: the safetensors format (a JSON header and raw little-endian data, so
//! reading a file can never run code), written atomically; and MXNet's binary NDArray-list
//! files (`.params` checkpoints), read by a safe parser in `mxnet`.
//!
//! ```
//! use deepblocks::{io, Tensor};
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("w.safetensors");
//! let w = Tensor::from_vec(vec![1.0f32, 2.0, 3.0], &[3]).unwrap();
//! io::save(&path, &[("w".to_string(), w)], &Default::default()).unwrap();
//! let (tensors, _) = io::load(&path).unwrap();
//! assert_eq!(tensors[0].1.to_vec::<f32>().unwrap(), vec![1.0, 2.0, 3.0]);
//! ```

pub(crate) mod atomic;
mod bytes;
pub mod mxnet;

use crate::error::{Error, Result};
use crate::tensor::Tensor;
use std::collections::HashMap;
use std::path::Path;

/// Writes `tensors` (names must be unique) and string `metadata` to `path`. The file is
/// replaced atomically: a failed save leaves any previous file as it was.
pub fn save(path: &Path, tensors: &[(String, Tensor)], metadata: &HashMap<String, String>) -> Result<()> {
    let mut views = Vec::with_capacity(tensors.len());
    for (name, t) in tensors {
        views.push((name.clone(), bytes::Encoded::new(t)?));
    }
    let meta = if metadata.is_empty() { None } else { Some(metadata.clone()) };
    let data = safetensors::serialize(views, meta)
        .map_err(|e| Error::File(format!("cannot save to {}: {e}", path.display())))?;
    atomic::write(path, &data)
}

/// Reads a file written by `save` (or any safetensors file of supported dtypes): the
/// tensors in the file's order of names, and the metadata.
pub fn load(path: &Path) -> Result<(Vec<(String, Tensor)>, HashMap<String, String>)> {
    let data = std::fs::read(path).map_err(|e| Error::File(format!("cannot read {}: {e}", path.display())))?;
    let bad = |e: &dyn std::fmt::Display| Error::File(format!("{} is not a valid tensor file: {e}", path.display()));
    let st = safetensors::SafeTensors::deserialize(&data).map_err(|e| bad(&e))?;
    let (_, header) = safetensors::SafeTensors::read_metadata(&data).map_err(|e| bad(&e))?;
    let mut out = Vec::new();
    let mut names: Vec<String> = st.names().into_iter().map(String::from).collect();
    names.sort();
    for name in names {
        let view = st.tensor(&name).map_err(|e| bad(&e))?;
        let t = bytes::decode(view.dtype(), view.shape(), view.data()).map_err(|e| bad(&format!("tensor {name:?}: {e}")))?;
        out.push((name, t));
    }
    Ok((out, header.metadata().clone().unwrap_or_default()))
}
