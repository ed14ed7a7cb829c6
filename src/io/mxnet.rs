//! MXNet's binary NDArray-list files (`nd.save`, `npx.save`, Gluon's `save_parameters` and
//! the `.params` file of `HybridBlock.export`), read without running any code: the parser
//! only copies numbers, and checks every count and length against the bytes that are left
//! before it allocates, so a corrupted or hostile file gives an error, never a huge
//! allocation or a panic.
//!
//! The layout, all little-endian:
//!
//! ```text
//! file   u64 0x112 (list magic) | u64 reserved | u64 n | n arrays | u64 m (0 or n) | m names
//! array  u32 magic: 0xF993FAC8 (V1), 0xF993FAC9 (V2), 0xF993FACA (V3: NumPy shape semantics);
//!            any other value is the ndim of the magic-less format that came before V1
//!        i32 storage type (V2, V3 only; 0 = dense)
//!        u32 ndim, then ndim dims: i64 each (u32 each before V1). An unknown shape (ndim 0,
//!            or -1 in V3 where 0 means a 0-d array) marks an empty NDArray: the record ends.
//!        i32 device type, i32 device id (where it was saved; loading puts it on the CPU)
//!        i32 mshadow type flag
//!        the elements in row-major order
//! name   u64 length | UTF-8 bytes
//! ```
//!
//! ```
//! use deepblocks::io::mxnet;
//! let mut file = Vec::new();
//! for word in [0x112u64, 0, 1] {
//!     file.extend_from_slice(&word.to_le_bytes());
//! }
//! file.extend_from_slice(&0xF993_FAC9u32.to_le_bytes()); // V2
//! for word in [0i32, 1] {
//!     file.extend_from_slice(&word.to_le_bytes()); // dense, 1-d
//! }
//! file.extend_from_slice(&2i64.to_le_bytes()); // shape (2,)
//! for word in [1i32, 0, 0] {
//!     file.extend_from_slice(&word.to_le_bytes()); // cpu(0), float32
//! }
//! for v in [1.5f32, -2.0] {
//!     file.extend_from_slice(&v.to_le_bytes());
//! }
//! file.extend_from_slice(&0u64.to_le_bytes()); // no names: a list
//! assert!(mxnet::is_mxnet(&file));
//! let (arrays, names) = mxnet::parse(&file).unwrap();
//! assert_eq!(arrays[0].to_vec::<f32>().unwrap(), vec![1.5, -2.0]);
//! assert!(names.is_empty());
//! assert!(mxnet::parse(&file[..file.len() - 1]).is_err());
//! ```

use super::bytes;
use crate::error::{Error, Result};
use crate::tensor::Tensor;
use safetensors::Dtype;
use std::collections::HashSet;
use std::path::Path;

/// The first eight bytes of every file (MXNet's `kMXAPINDArrayListMagic`).
pub const LIST_MAGIC: u64 = 0x112;

const V1_MAGIC: u32 = 0xF993_FAC8;
const V2_MAGIC: u32 = 0xF993_FAC9;
const V3_MAGIC: u32 = 0xF993_FACA;

/// More dimensions than any MXNet or NumPy array has; a larger "ndim" is corruption.
const MAX_NDIM: u32 = 64;

/// The smallest record an array can take (a magic-less empty array: its ndim alone), which
/// bounds how many arrays a file of a given size can hold.
const MIN_ARRAY_BYTES: usize = 4;

/// Whether `head` (a file's first 9 bytes, or all of a shorter file) starts an MXNet list.
/// A safetensors file whose header happens to be 0x112 bytes long starts with the same
/// eight bytes, but its ninth is the `{` of its JSON header; MXNet's is a reserved zero.
pub fn is_mxnet(head: &[u8]) -> bool {
    head.len() >= 8 && head[..8] == LIST_MAGIC.to_le_bytes() && head.get(8) != Some(&b'{')
}

/// Whether the file at `path` is an MXNet NDArray list (false when it cannot be read: the
/// loader that runs next reports why).
pub fn is_mxnet_file(path: &Path) -> bool {
    super::source::read_head(path, 9).is_ok_and(|head| is_mxnet(&head))
}

/// Reads the file at `path`: its arrays (on the CPU) and their names, which are empty when
/// the file holds a list rather than a dict.
pub fn load(path: &Path) -> Result<(Vec<Tensor>, Vec<String>)> {
    let data = super::source::read_all(path)?;
    parse(&data).map_err(|e| Error::File(format!("cannot load MXNet file {}: {e}", path.display())))
}

/// Parses the bytes of a whole file; see the module documentation for the layout.
pub fn parse(data: &[u8]) -> Result<(Vec<Tensor>, Vec<String>)> {
    let mut r = Reader { data, pos: 0 };
    let magic = r.u64("the list magic")?;
    if magic != LIST_MAGIC {
        return Err(fail(0, format!("not an MXNet NDArray file: it starts with 0x{magic:X}, not 0x{LIST_MAGIC:X}")));
    }
    r.u64("the reserved word")?;
    let count = r.count(MIN_ARRAY_BYTES, "the array count")?;
    let mut arrays = Vec::new();
    for i in 0..count {
        let start = r.pos;
        let t = read_array(&mut r).map_err(|e| Error::File(format!("array {i} (from byte {start}): {e}")))?;
        arrays.push(t);
    }
    let at = r.pos;
    let n_names = r.count(8, "the name count")?;
    if n_names != 0 && n_names != count {
        return Err(fail(at, format!("{n_names} names for {count} arrays")));
    }
    let mut names = Vec::with_capacity(n_names);
    let mut seen = HashSet::with_capacity(n_names);
    for i in 0..n_names {
        let at = r.pos;
        let len = r.count(1, "the name length")?;
        let bytes = r.take(len, "the name")?;
        let name = std::str::from_utf8(bytes).map_err(|_| fail(at, format!("name {i} is not UTF-8")))?;
        if !seen.insert(name) {
            return Err(fail(at, format!("name {name:?} appears twice")));
        }
        names.push(name.to_string());
    }
    if r.pos != data.len() {
        return Err(fail(r.pos, format!("unexpected bytes after the last name ({} of them)", data.len() - r.pos)));
    }
    Ok((arrays, names))
}

/// One array record, from its magic to its last element.
fn read_array(r: &mut Reader<'_>) -> Result<Tensor> {
    let at = r.pos;
    let magic = r.u32("the array magic")?;
    let version = match magic {
        V1_MAGIC => 1,
        V2_MAGIC => 2,
        V3_MAGIC => 3,
        ndim if ndim <= MAX_NDIM => 0,
        other => return Err(fail(at, format!("unknown array magic 0x{other:08X}"))),
    };
    if version >= 2 {
        let at = r.pos;
        match r.i32("the storage type")? {
            0 => {}
            stype => {
                let name = match stype {
                    1 => "row_sparse",
                    2 => "csr",
                    -1 => "undefined",
                    _ => "unknown",
                };
                return Err(fail(at, format!("storage type {name} ({stype}) is not supported: deepblocks loads dense arrays only")));
            }
        }
    }
    let shape = read_shape(r, version, magic)?;
    let at = r.pos;
    let dev_type = r.i32("the device type")?;
    if !matches!(dev_type, 1 | 2 | 3 | 5) {
        return Err(fail(at, format!("device type {dev_type} is not an MXNet device (1 cpu, 2 gpu, 3 cpu_pinned, 5 cpu_shared)")));
    }
    let dev_id = r.i32("the device id")?;
    if dev_id < 0 {
        return Err(fail(at + 4, format!("negative device id {dev_id}")));
    }
    let at = r.pos;
    let flag = r.i32("the type flag")?;
    let dtype = file_dtype(flag).map_err(|msg| fail(at, msg))?;
    let numel = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
    let nbytes = numel.and_then(|n| n.checked_mul(dtype.bitsize() / 8));
    let Some(nbytes) = nbytes else {
        return Err(fail(at, format!("shape {} is too large", crate::error::fmt_shape(&shape))));
    };
    let at = r.pos;
    let raw = r.take(nbytes, "the elements")?;
    bytes::decode(dtype, &shape, raw).map_err(|e| fail(at, e.to_string()))
}

/// The shape: dims as i64 from V1 on, as u32 before (where the magic was the ndim).
fn read_shape(r: &mut Reader<'_>, version: u32, magic: u32) -> Result<Vec<usize>> {
    let at = r.pos;
    let ndim = if version == 0 { magic } else { r.u32("the number of dimensions")? };
    let unknown = if version == 3 { ndim == u32::MAX } else { ndim == 0 };
    if unknown {
        return Err(fail(at, "the array has no shape (an MXNet NDArray that was never allocated)".into()));
    }
    if ndim > MAX_NDIM {
        return Err(fail(at, format!("{ndim} dimensions (more than {MAX_NDIM})")));
    }
    let mut shape = Vec::with_capacity(ndim as usize);
    for axis in 0..ndim {
        let at = r.pos;
        let dim = if version == 0 { i64::from(r.u32("a dimension")?) } else { r.i64("a dimension")? };
        let dim = usize::try_from(dim).map_err(|_| fail(at, format!("dimension {axis} is {dim}")))?;
        shape.push(dim);
    }
    Ok(shape)
}

/// The dtype of an mshadow type flag, or why it cannot be loaded.
fn file_dtype(flag: i32) -> std::result::Result<Dtype, String> {
    let unsupported = match flag {
        0 => return Ok(Dtype::F32),
        1 => return Ok(Dtype::F64),
        3 => return Ok(Dtype::U8),
        4 => return Ok(Dtype::I32),
        6 => return Ok(Dtype::I64),
        7 => return Ok(Dtype::BOOL),
        2 => "float16",
        5 => "int8",
        8 => "int16",
        9 => "uint16",
        10 => "uint32",
        11 => "uint64",
        12 => "bfloat16",
        _ => return Err(format!("unknown type flag {flag}")),
    };
    Err(format!(
        "dtype {unsupported} is not supported by deepblocks (it has bool, uint8, int32, int64, float32 and float64)"
    ))
}

/// A cursor over the file's bytes whose reads fail, naming the offset, past the end.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

fn fail(at: usize, msg: String) -> Error {
    Error::File(format!("at byte {at}: {msg}"))
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let left = self.data.len() - self.pos;
        if n > left {
            return Err(fail(self.pos, format!("the file ends inside {what} ({n} bytes needed, {left} left)")));
        }
        let out = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    fn word<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        let at = self.pos;
        self.take(N, what)?.try_into().map_err(|_| fail(at, format!("{what}: expected {N} bytes")))
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.word(what)?))
    }

    fn i32(&mut self, what: &str) -> Result<i32> {
        Ok(i32::from_le_bytes(self.word(what)?))
    }

    fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.word(what)?))
    }

    fn i64(&mut self, what: &str) -> Result<i64> {
        Ok(i64::from_le_bytes(self.word(what)?))
    }

    /// A u64 count of items that take at least `min_bytes` each, checked against the bytes
    /// left so that no caller allocates for items the file cannot hold.
    fn count(&mut self, min_bytes: usize, what: &str) -> Result<usize> {
        let at = self.pos;
        let n = self.u64(what)?;
        let left = self.data.len() - self.pos;
        match usize::try_from(n) {
            Ok(n) if n <= left / min_bytes => Ok(n),
            _ => Err(fail(at, format!("{what} {n} is more than the {left} bytes left can hold"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny writer of the format, with knobs for each header field.
    struct Array {
        magic: u32,
        stype: i32,
        shape: Vec<i64>,
        dev: (i32, i32),
        flag: i32,
        data: Vec<u8>,
    }

    fn f32_array(magic: u32, shape: &[i64], values: &[f32]) -> Array {
        Array {
            magic,
            stype: 0,
            shape: shape.to_vec(),
            dev: (1, 0),
            flag: 0,
            data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        }
    }

    fn write(arrays: &[Array], names: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        for w in [LIST_MAGIC, 0, arrays.len() as u64] {
            out.extend_from_slice(&w.to_le_bytes());
        }
        for a in arrays {
            match a.magic {
                V1_MAGIC | V2_MAGIC | V3_MAGIC => {
                    out.extend_from_slice(&a.magic.to_le_bytes());
                    if a.magic != V1_MAGIC {
                        out.extend_from_slice(&a.stype.to_le_bytes());
                    }
                    out.extend_from_slice(&(a.shape.len() as u32).to_le_bytes());
                    for d in &a.shape {
                        out.extend_from_slice(&d.to_le_bytes());
                    }
                }
                _ => {
                    out.extend_from_slice(&(a.shape.len() as u32).to_le_bytes());
                    for d in &a.shape {
                        out.extend_from_slice(&(*d as u32).to_le_bytes());
                    }
                }
            }
            for w in [a.dev.0, a.dev.1, a.flag] {
                out.extend_from_slice(&w.to_le_bytes());
            }
            out.extend_from_slice(&a.data);
        }
        out.extend_from_slice(&(names.len() as u64).to_le_bytes());
        for n in names {
            out.extend_from_slice(&(n.len() as u64).to_le_bytes());
            out.extend_from_slice(n.as_bytes());
        }
        out
    }

    fn message(r: Result<(Vec<Tensor>, Vec<String>)>) -> String {
        match r {
            Err(Error::File(m)) => m,
            Err(e) => panic!("expected a file error, got {e:?}"),
            Ok(_) => panic!("expected an error"),
        }
    }

    fn sample() -> Vec<u8> {
        let ints = Array {
            magic: V3_MAGIC,
            stype: 0,
            shape: vec![3],
            dev: (2, 1),
            flag: 6,
            data: [7i64, -1, 1 << 40].iter().flat_map(|v| v.to_le_bytes()).collect(),
        };
        let flags = Array { magic: V2_MAGIC, stype: 0, shape: vec![2], dev: (1, 0), flag: 7, data: vec![1, 0] };
        let arrays = [f32_array(V2_MAGIC, &[2, 2], &[1.0, 2.0, 3.0, 4.0]), ints, flags];
        write(&arrays, &["w", "step", "mask"])
    }

    #[test]
    fn round_trip_of_a_dict() {
        let (arrays, names) = parse(&sample()).unwrap();
        assert_eq!(names, ["w", "step", "mask"]);
        assert_eq!(arrays[0].shape(), [2, 2]);
        assert_eq!(arrays[0].to_vec::<f32>().unwrap(), [1.0, 2.0, 3.0, 4.0]);
        assert_eq!(arrays[1].to_vec::<i64>().unwrap(), [7, -1, 1 << 40]);
        assert_eq!(arrays[2].to_vec::<bool>().unwrap(), [true, false]);
        assert_eq!(arrays[1].device(), crate::Device::Cpu(0));
    }

    #[test]
    fn every_version_of_the_array_record() {
        for magic in [V1_MAGIC, V2_MAGIC, V3_MAGIC, 0] {
            let file = write(&[f32_array(magic, &[3, 1], &[0.5, 1.5, 2.5])], &[]);
            let (arrays, names) = parse(&file).unwrap();
            assert!(names.is_empty());
            assert_eq!(arrays[0].shape(), [3, 1], "magic {magic:X}");
            assert_eq!(arrays[0].to_vec::<f32>().unwrap(), [0.5, 1.5, 2.5]);
        }
    }

    #[test]
    fn zero_d_and_zero_size_in_numpy_mode() {
        let file = write(&[f32_array(V3_MAGIC, &[], &[3.5]), f32_array(V3_MAGIC, &[0, 3], &[])], &[]);
        let (arrays, _) = parse(&file).unwrap();
        assert_eq!(arrays[0].shape(), [] as [usize; 0]);
        assert_eq!(arrays[0].to_vec::<f32>().unwrap(), [3.5]);
        assert_eq!(arrays[1].shape(), [0, 3]);
    }

    #[test]
    fn an_empty_list() {
        let (arrays, names) = parse(&write(&[], &[])).unwrap();
        assert!(arrays.is_empty() && names.is_empty());
    }

    #[test]
    fn every_truncation_is_an_error() {
        let file = sample();
        for len in 0..file.len() {
            let msg = message(parse(&file[..len]));
            assert!(msg.contains("at byte"), "{len}: {msg}");
        }
    }

    #[test]
    fn every_single_byte_corruption_is_handled() {
        let file = sample();
        for i in 0..file.len() {
            for flip in [0x01u8, 0x80, 0xFF] {
                let mut bad = file.clone();
                bad[i] ^= flip;
                // A flipped data byte or reserved byte still makes a valid file; what matters
                // is that no flip panics.
                let _ = parse(&bad);
            }
        }
    }

    #[test]
    fn huge_counts_are_rejected_before_allocating() {
        let mut file = sample();
        file[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(message(parse(&file)).contains("the array count"));
        file[16..24].copy_from_slice(&(1u64 << 40).to_le_bytes());
        assert!(message(parse(&file)).contains("the array count"));

        let one = write(&[f32_array(V2_MAGIC, &[1], &[1.0])], &["a"]);
        let names_at = one.len() - 8 - 1 - 8;
        let mut bad = one.clone();
        bad[names_at..names_at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(message(parse(&bad)).contains("name count"));
        let mut bad = one.clone();
        bad[names_at + 8..names_at + 16].copy_from_slice(&(u64::MAX / 2).to_le_bytes());
        assert!(message(parse(&bad)).contains("name length"));
    }

    #[test]
    fn huge_shapes_are_rejected() {
        let big = f32_array(V2_MAGIC, &[1 << 40, 1 << 40, 1 << 40], &[]);
        assert!(message(parse(&write(&[big], &[]))).contains("too large"));
        let big = f32_array(V2_MAGIC, &[1 << 40], &[]);
        assert!(message(parse(&write(&[big], &[]))).contains("the file ends inside the elements"));
        let negative = f32_array(V2_MAGIC, &[-2], &[]);
        assert!(message(parse(&write(&[negative], &[]))).contains("dimension 0 is -2"));
        let mut deep = write(&[f32_array(V2_MAGIC, &[1], &[1.0])], &[]);
        deep[32..36].copy_from_slice(&1000u32.to_le_bytes());
        assert!(message(parse(&deep)).contains("1000 dimensions"));
    }

    #[test]
    fn unsupported_contents_are_named() {
        let mut half = f32_array(V2_MAGIC, &[1], &[]);
        half.flag = 2;
        half.data = vec![0, 0x3C];
        assert!(message(parse(&write(&[half], &[]))).contains("float16"));
        let mut sparse = f32_array(V2_MAGIC, &[1], &[1.0]);
        sparse.stype = 1;
        assert!(message(parse(&write(&[sparse], &[]))).contains("row_sparse"));
        let mut odd = f32_array(V2_MAGIC, &[1], &[1.0]);
        odd.flag = 99;
        assert!(message(parse(&write(&[odd], &[]))).contains("type flag 99"));
        let mut nowhere = f32_array(V2_MAGIC, &[1], &[1.0]);
        nowhere.dev = (4, 0);
        assert!(message(parse(&write(&[nowhere], &[]))).contains("device type 4"));
        let none = f32_array(V2_MAGIC, &[], &[]);
        assert!(message(parse(&write(&[none], &[]))).contains("no shape"));
        let bad_bool = Array { magic: V2_MAGIC, stype: 0, shape: vec![1], dev: (1, 0), flag: 7, data: vec![2] };
        assert!(message(parse(&write(&[bad_bool], &[]))).contains("boolean"));
    }

    #[test]
    fn names_must_match_the_arrays() {
        let two = || [f32_array(V2_MAGIC, &[1], &[1.0]), f32_array(V2_MAGIC, &[1], &[2.0])];
        assert!(message(parse(&write(&two(), &["a"]))).contains("1 names for 2 arrays"));
        assert!(message(parse(&write(&two(), &["a", "a"]))).contains("appears twice"));
        let mut file = write(&two(), &["a", "b"]);
        *file.last_mut().unwrap() = 0xFF;
        assert!(message(parse(&file)).contains("not UTF-8"));
        let mut file = write(&two(), &[]);
        file.push(0);
        assert!(message(parse(&file)).contains("unexpected bytes after the last name (1 of them)"));
    }

    #[test]
    fn detection_tells_safetensors_apart() {
        let file = sample();
        assert!(is_mxnet(&file));
        let mut st = LIST_MAGIC.to_le_bytes().to_vec();
        st.push(b'{');
        assert!(!is_mxnet(&st));
        assert!(!is_mxnet(&file[..7]));
        assert!(message(parse(&st)).contains("at byte 8"));
    }

    /// The files MXNet 1.9.1 itself wrote (tests/fixtures/mxnet/make_fixtures.py).
    #[test]
    fn files_written_by_mxnet() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mxnet");
        let read = |name: &str| parse(&std::fs::read(dir.join(name)).unwrap());
        let (arrays, names) = read("np_list.params").unwrap();
        assert!(names.is_empty());
        let shapes: Vec<&[usize]> = arrays.iter().map(|t| t.shape()).collect();
        assert_eq!(shapes, [&[][..], &[0, 3], &[3], &[2, 2], &[2]]);
        assert_eq!(arrays[0].to_vec::<f32>().unwrap(), [3.5]);
        assert_eq!(arrays[2].to_vec::<bool>().unwrap(), [true, false, true]);
        assert_eq!(arrays[3].to_vec::<i64>().unwrap(), [1, 2, 3, 4]);
        let (_, names) = read("gluon_legacy.params").unwrap();
        assert_eq!(names, ["0.weight", "0.bias", "1.weight", "1.bias"]);
        assert!(message(read("nd_float16.params")).contains("float16"));
        assert!(message(read("nd_int8.params")).contains("int8"));
        assert!(message(read("nd_row_sparse.params")).contains("row_sparse"));
    }
}
