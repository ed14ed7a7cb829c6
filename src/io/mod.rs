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
mod source;

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
    let bad = |e: &dyn std::fmt::Display| Error::File(format!("{} is not a valid tensor file: {e}", path.display()));
    let (mut file, len) = source::open_regular(path)?;
    if len < 8 {
        return Err(bad(&format!("it has {len} bytes, fewer than the 8 of a header length")));
    }
    let word = source::read_exact_vec(path, &mut file, 8)?;
    let header_len = u64::from_le_bytes(word[..].try_into().expect("8 bytes"));
    if header_len > MAX_HEADER_BYTES || header_len > len - 8 {
        return Err(bad(&format!("its header length {header_len} is more than the {} bytes after it", len - 8)));
    }
    let header = source::read_exact_vec(path, &mut file, header_len)?;
    // The header's tensors must account for exactly the rest of the file before any memory
    // is set aside for it, so a small file cannot make the loader allocate what it declares.
    let meta: safetensors::tensor::Metadata = serde_json::from_slice(&header).map_err(|e| bad(&e))?;
    let declared = 8 + header_len as u128 + meta.data_len() as u128;
    if declared != len as u128 {
        return Err(bad(&format!("its header declares {declared} bytes, but the file has {len}")));
    }
    let mut data = crate::storage::alloc_vec::<u8>(len as usize)?;
    data.extend_from_slice(&word);
    data.extend_from_slice(&header);
    source::read_into(path, &mut file, &mut data, len - 8 - header_len)?;
    let st = safetensors::SafeTensors::deserialize(&data).map_err(|e| bad(&e))?;
    let mut out = Vec::new();
    let mut names: Vec<String> = st.names().into_iter().map(String::from).collect();
    names.sort();
    for name in names {
        let view = st.tensor(&name).map_err(|e| bad(&e))?;
        let t = bytes::decode(view.dtype(), view.shape(), view.data()).map_err(|e| bad(&format!("tensor {name:?}: {e}")))?;
        out.push((name, t));
    }
    Ok((out, meta.metadata().clone().unwrap_or_default()))
}

/// The most bytes a safetensors header may take (the limit of the `safetensors` crate).
const MAX_HEADER_BYTES: u64 = 100_000_000;

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.safetensors");
        std::fs::write(&path, bytes).unwrap();
        (dir, path)
    }

    fn header(json: &str) -> Vec<u8> {
        let mut out = (json.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(json.as_bytes());
        out
    }

    fn message(path: &Path) -> String {
        match load(path) {
            Err(Error::File(m)) => m,
            Err(e) => panic!("expected a file error, got {e:?}"),
            Ok(_) => panic!("expected an error"),
        }
    }

    #[test]
    fn declared_sizes_are_checked_against_the_file_first() {
        // A terabyte tensor declared in a file of a hundred bytes.
        let mut tiny = header(r#"{"w":{"dtype":"F32","shape":[274877906944],"data_offsets":[0,1099511627776]}}"#);
        tiny.extend_from_slice(&[0; 16]);
        let (_d, path) = file_with(&tiny);
        let msg = message(&path);
        assert!(msg.contains("declares 1099511627861 bytes, but the file has 101"), "{msg}");

        let mut long = (1u64 << 40).to_le_bytes().to_vec();
        long.extend_from_slice(b"{}");
        let (_d, path) = file_with(&long);
        assert!(message(&path).contains("header length 1099511627776 is more than the 2 bytes after it"));

        let (_d, path) = file_with(b"\x01\x00");
        assert!(message(&path).contains("fewer than the 8"));
        let (_d, path) = file_with(&header("{not json"));
        assert!(message(&path).contains("not a valid tensor file"));
        // Offsets that overflow once multiplied out.
        let (_d, path) = file_with(&header(r#"{"w":{"dtype":"F64","shape":[4611686018427387904,8],"data_offsets":[0,0]}}"#));
        assert!(message(&path).contains("not a valid tensor file"));
    }

    #[test]
    fn a_zero_size_tensor_whose_other_dimensions_overflow_is_refused() {
        let (_d, path) = file_with(&header(r#"{"w":{"dtype":"F32","shape":[0,4611686018427387904,4611686018427387904],"data_offsets":[0,0]}}"#));
        let msg = message(&path);
        assert!(msg.contains("too big"), "{msg}");
    }

    #[test]
    fn saved_files_load_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ok");
        let t = Tensor::from_vec(vec![1i64, 2, 3], &[3]).unwrap();
        let meta = HashMap::from([("k".to_string(), "v".to_string())]);
        save(&path, &[("t".to_string(), t)], &meta).unwrap();
        let (back, m) = load(&path).unwrap();
        assert_eq!(back[0].1.to_vec::<i64>().unwrap(), [1, 2, 3]);
        assert_eq!(m, meta);
    }
}
