//! The CUDA C sources of the kernels, embedded in the crate, and the kernels each module
//! defines. NVRTC compiles a module at first use, for the device's architecture; the
//! launch conventions (argument order, the strided `info` array, grid shapes) are documented
//! at the top of `kernels/common.cuh` and of each `.cu` file.
//!
//! A module's kernels are not listed here by name: they are the [`Family`]s of the op tables
//! (`ops::unary::GPU_KERNELS` comes from the `gpu` column of the unary table) and of the
//! launchers in `cuda/ops`. A kernel is named `<family>_<op>_<dtype>` (`unary_exp_f32`,
//! `binary_add_i64`) or `<family>_<dtype>` (`gather_f32`); conversions name source then
//! destination (`cast_f32_i64`). A test checks that each module defines exactly its
//! families' kernels. Launchers get kernels through a [`KernelTable`], which resolves every
//! (row, dtype) to a [`Kernel`] once: a launch indexes an array, and the driver and the
//! emulator keep each kernel's function by its id.

use super::ops;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::ops::registry::Family;
use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

/// One module: a `.cu` file and the kernel families it defines (in groups, as the op
/// tables and the launchers declare them).
pub struct KernelSource {
    pub module: &'static str,
    pub source: &'static str,
    pub families: &'static [&'static [Family]],
}

impl KernelSource {
    /// Every kernel the module defines.
    pub fn kernels(&self) -> Vec<String> {
        self.families.iter().flat_map(|g| g.iter()).flat_map(|f| f.kernel_names()).collect()
    }
}

/// The header every module includes as `#include "common.cuh"`: (name, text), for NVRTC's
/// header list.
pub const COMMON_HEADER: (&str, &str) = ("common.cuh", include_str!("kernels/common.cuh"));

macro_rules! module {
    ($name:literal, [$($family:expr),* $(,)?]) => {
        KernelSource { module: $name, source: include_str!(concat!("kernels/", $name, ".cu")), families: &[$($family),*] }
    };
}

/// Every module, one per op family.
pub const SOURCES: &[KernelSource] = &[
    module!("creation", [&ops::creation::KERNELS, &ops::random::KERNELS]),
    module!("copy", [&ops::copy::KERNELS]),
    module!("unary", [&[crate::ops::unary::GPU_KERNELS]]),
    module!("grad", [&[crate::ops::unary::GPU_GRAD_KERNELS]]),
    module!("binary", [&[crate::ops::binary::GPU_KERNELS, crate::ops::binary::GPU_INPLACE_KERNELS]]),
    module!("where_clip", [&ops::where_clip::KERNELS]),
    module!("reduce", [&crate::ops::reduce::GPU_KERNELS]),
    module!("sort", [&ops::sort::KERNELS]),
    module!("index", [&ops::index::KERNELS]),
    module!("matmul", [&ops::matmul::KERNELS]),
    module!("linear", [&ops::linear::KERNELS]),
    module!("conv", [&ops::conv::KERNELS, &ops::pool::KERNELS]),
    module!("rnn", [&ops::rnn::KERNELS]),
    module!("optim", [&[crate::optim::GPU_KERNELS]]),
];

/// A compiled kernel's identity: its name and a dense id (its position among all kernels),
/// which the driver and the emulator use to keep its function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kernel {
    pub id: usize,
    pub name: &'static str,
    /// Index of its module in `SOURCES`.
    pub module: usize,
}

/// Every kernel, by name; built once, at the first launch.
static ALL: LazyLock<HashMap<String, Kernel>> = LazyLock::new(|| {
    let mut all = HashMap::new();
    for (m, src) in SOURCES.iter().enumerate() {
        for name in src.kernels() {
            let id = all.len();
            // Leaked once: a few hundred names, alive for the whole process anyway.
            let stored: &'static str = Box::leak(name.clone().into_boxed_str());
            all.insert(name, Kernel { id, name: stored, module: m });
        }
    }
    all
});

/// How many kernels there are (ids are below this).
pub fn count() -> usize {
    ALL.len()
}

/// The kernel called `name` (a slow lookup: for tables and tests, not launches).
pub fn find(name: &str) -> Option<Kernel> {
    ALL.get(name).copied()
}

/// The kernels of one family by (row, dtype), resolved at first use.
pub struct KernelTable {
    family: Family,
    cells: OnceLock<Vec<Option<Kernel>>>,
}

impl KernelTable {
    pub const fn new(family: Family) -> KernelTable {
        KernelTable { family, cells: OnceLock::new() }
    }

    /// The kernel of row `row` for `dtype`, `None` when the family has none.
    pub fn get(&self, row: usize, dtype: DType) -> Option<Kernel> {
        let cells = self.cells.get_or_init(|| {
            (0..self.family.row_count())
                .flat_map(|r| DType::ALL.into_iter().map(move |d| (r, d)))
                .map(|(r, d)| self.family.kernel_name(r, d).and_then(|n| find(&n)))
                .collect()
        });
        cells.get(row * DType::ALL.len() + dtype as usize).copied().flatten()
    }

    /// As `get`, with an internal error naming the missing kernel.
    pub fn require(&self, row: usize, dtype: DType) -> Result<Kernel> {
        self.get(row, dtype).ok_or_else(|| {
            let row = self.family.row_name(row);
            Error::DType(format!("internal: no CUDA kernel {}{}{row} for {dtype}", self.family.prefix, if row.is_empty() { "" } else { "_" }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The kernels a source defines: every `__global__` must open `extern "C" __global__ void
    /// <name>(`.
    fn defined(src: &KernelSource) -> Vec<&'static str> {
        const HEAD: &str = "extern \"C\" __global__ void ";
        let text = src.source;
        let mut names = vec![];
        for (at, _) in text.match_indices("__global__") {
            let start = at.checked_sub("extern \"C\" ".len()).expect("__global__ at the start of the file");
            assert!(text[start..].starts_with(HEAD), "{}: a __global__ that is not `{HEAD}<name>(`", src.module);
            let rest = &text[start + HEAD.len()..];
            let end = rest.find('(').expect("a kernel without a parameter list");
            let name = &rest[..end];
            assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{}: bad kernel name {name:?}", src.module);
            names.push(name);
        }
        names
    }

    #[test]
    fn listed_names_match_the_sources() {
        for src in SOURCES {
            let defined = defined(src);
            let in_source: BTreeSet<&str> = defined.iter().copied().collect();
            assert_eq!(in_source.len(), defined.len(), "{}: a kernel is defined twice", src.module);
            let kernels = src.kernels();
            let listed: BTreeSet<&str> = kernels.iter().map(|k| k.as_str()).collect();
            assert_eq!(listed.len(), kernels.len(), "{}: a kernel is listed twice", src.module);
            for name in &listed {
                assert!(
                    src.source.contains(&format!("extern \"C\" __global__ void {name}(")),
                    "{}: {name} is listed but not defined",
                    src.module
                );
            }
            let unlisted: Vec<_> = in_source.difference(&listed).collect();
            assert!(unlisted.is_empty(), "{}: defined but not listed: {unlisted:?}", src.module);
            assert!(src.source.contains("#include \"common.cuh\""), "{}: does not include the header", src.module);
        }
    }

    #[test]
    fn names_are_unique_across_modules_and_the_header_defines_no_kernel() {
        let mut all = BTreeSet::new();
        for (m, src) in SOURCES.iter().enumerate() {
            for name in src.kernels() {
                assert_eq!(find(&name).map(|k| k.module), Some(m));
                assert!(all.insert(name.clone()), "{name} is defined by two modules");
            }
        }
        assert_eq!(all.len(), count());
        assert!(!COMMON_HEADER.1.contains("__global__ void"));
        assert!(find("unary_exp_f32").is_some() && find("binary_add_i64").is_some());
        assert!(find("cast_f32_i64").is_some() && find("unary_exp_i32").is_none());
    }

    #[test]
    fn tables_resolve_the_op_tables_kernels() {
        use crate::ops::unary::UnaryOp;
        let t = KernelTable::new(crate::ops::unary::GPU_KERNELS);
        assert_eq!(t.get(UnaryOp::Exp.index(), DType::F32).map(|k| k.name), Some("unary_exp_f32"));
        assert_eq!(t.get(UnaryOp::Exp.index(), DType::I32), None);
        assert!(t.require(UnaryOp::Exp.index(), DType::I64).is_err());
    }
}
