//! The op registry: every operation family declares its operations once, in one table of
//! its file in `ops/`, and everything else is derived from that table.
//!
//! A table row (`declare_ops!`) gives an operation its enum variant and a spec: the NumPy
//! name and aliases (which the Python bindings parse, so there is no second name list), the
//! family's dtype rule, the dtypes its GPU kernels exist for, and whether it is
//! differentiable. From the spec come:
//! - `Op::name` / `Op::from_name`, used by error messages and the Python bindings;
//! - the GPU kernel names: a [`Family`] turns the GPU dtype column into
//!   `<prefix>_<op>_<dtype>` names; `cuda/kernels.rs` lists a module's families, NVRTC
//!   compiles exactly those, and `cuda::kernels::KernelTable` resolves each (op, dtype) to a
//!   kernel handle once, so a launch indexes an array instead of searching strings;
//! - the dispatch: each family's primitives form a trait (`UnaryKernels`, `BinaryKernels`,
//!   ...) implemented by the CPU (`cpu::Cpu`) and the GPU (`cuda::Cuda`); `ops::backend::on`
//!   is the one place that chooses, and a backend that lacks a family does not compile.
//!
//! # Adding an operation
//! 1. `src/ops/<family>.rs`: a row in the family's table, or a new family file (the table,
//!    the `impl Tensor` method that applies the dtype rule and calls `backend::on(..)`, the
//!    CPU kernel in the family trait's `impl for Cpu`, the backward rule passed to
//!    `autograd::track`) and one `mod` line in `ops/mod.rs`. An op composed of existing
//!    primitives stops here on the engine side (`tri.rs`).
//! 2. A new kernel: `src/cuda/kernels/<family>.cu`, one `extern "C"` line per dtype of the GPU
//!    column, and `src/cuda/ops/<family>.rs`, the family trait's `impl for Cuda` (a new family
//!    also adds its module to `cuda/kernels.rs` and `cuda/ops/mod.rs`, and its trait to
//!    `backend::Backend`).
//! 3. `src/python/functions.rs` (elementwise ops go by name and need nothing) and the front
//!    end: a row in `python/deepblocks/op_table.py`, or a function in `np`/`npx`/`nd`.
//! 4. Tests: NumPy differential and gradient tests; the GPU suite runs on the emulator.

use crate::dtype::DType;

/// A set of dtypes: the dtypes an operation has GPU kernels for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DTypes(u8);

impl DTypes {
    pub const NONE: DTypes = DTypes(0);
    pub const ALL: DTypes = DTypes(0b11_1111);
    /// Every dtype but bool.
    pub const NUM: DTypes = DTypes(0b11_1110);
    pub const INT: DTypes = DTypes(0b00_1110);
    /// Bool and the integers: the bitwise dtypes.
    pub const BITS: DTypes = DTypes(0b00_1111);
    pub const FLOAT: DTypes = DTypes(0b11_0000);
    pub const BOOL: DTypes = DTypes(0b00_0001);

    pub const fn contains(self, d: DType) -> bool {
        self.0 & (1 << d as u8) != 0
    }

    pub fn iter(self) -> impl Iterator<Item = DType> {
        DType::ALL.into_iter().filter(move |&d| self.contains(d))
    }
}

/// The kernels' dtype tag (`f32`, `i64`, ...).
pub const fn tag(dtype: DType) -> &'static str {
    match dtype {
        DType::Bool => "bool",
        DType::U8 => "u8",
        DType::I32 => "i32",
        DType::I64 => "i64",
        DType::F32 => "f32",
        DType::F64 => "f64",
    }
}

/// One family of GPU kernels: kernels of one shape, one row per op, each instantiated for a
/// set of dtypes, named `<prefix>_<row name>_<dtype>` (`unary_exp_f32`), or `<prefix>_<dtype>`
/// for a family of one unnamed row (`gather_i64`).
#[derive(Clone, Copy)]
pub struct Family {
    pub prefix: &'static str,
    rows: Rows,
}

#[derive(Clone, Copy)]
enum Rows {
    One(DTypes),
    Named { count: usize, name: fn(usize) -> &'static str, dtypes: fn(usize) -> DTypes },
}

impl Family {
    /// One unnamed kernel per dtype of `dtypes`.
    pub const fn one(prefix: &'static str, dtypes: DTypes) -> Family {
        Family { prefix, rows: Rows::One(dtypes) }
    }

    /// `count` rows: row `i` is called `name(i)` and has kernels for `dtypes(i)` (an op
    /// table's column).
    pub const fn rows(prefix: &'static str, count: usize, name: fn(usize) -> &'static str, dtypes: fn(usize) -> DTypes) -> Family {
        Family { prefix, rows: Rows::Named { count, name, dtypes } }
    }

    pub fn row_count(&self) -> usize {
        match self.rows {
            Rows::One(_) => 1,
            Rows::Named { count, .. } => count,
        }
    }

    /// The name of row `row` ("" for an unnamed family).
    pub fn row_name(&self, row: usize) -> &'static str {
        match self.rows {
            Rows::One(_) => "",
            Rows::Named { name, .. } => name(row),
        }
    }

    /// The kernel of row `row` for `dtype`, if the family has one.
    pub fn kernel_name(&self, row: usize, dtype: DType) -> Option<String> {
        let dtypes = match self.rows {
            Rows::One(d) if row == 0 => d,
            Rows::Named { count, dtypes, .. } if row < count => dtypes(row),
            _ => return None,
        };
        if !dtypes.contains(dtype) {
            return None;
        }
        Some(match self.row_name(row) {
            "" => format!("{}_{}", self.prefix, tag(dtype)),
            op => format!("{}_{}_{}", self.prefix, op, tag(dtype)),
        })
    }

    /// Every kernel of the family.
    pub fn kernel_names(&self) -> Vec<String> {
        (0..self.row_count()).flat_map(|r| DType::ALL.into_iter().filter_map(move |d| self.kernel_name(r, d))).collect()
    }
}

/// Declares a family's operations: the enum and, for each variant, its spec (a struct with
/// `name` and `aliases` fields and a `DEFAULT` const; fields not given take the default).
///
/// ```ignore
/// declare_ops! {
///     /// Elementwise functions of one array.
///     pub enum UnaryOp: UnarySpec {
///         Exp { name: "exp", rule: Rule::Float, gpu: DTypes::FLOAT },
///         Abs { name: "absolute", aliases: &["abs"], gpu: DTypes::ALL },
///     }
/// }
/// ```
/// gives `UnaryOp::{ALL, spec, name, from_name, index}`.
#[macro_export]
#[doc(hidden)]
macro_rules! declare_ops {
    (
        $(#[$meta:meta])*
        pub enum $op:ident: $spec:ident {
            $( $(#[$vmeta:meta])* $variant:ident { $($field:ident: $value:expr),* $(,)? } ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $op {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $op {
            /// Every operation of the family, in declaration order.
            pub const ALL: &'static [$op] = &[$($op::$variant),*];
            const SPECS: &'static [$spec] = &[$($spec { $($field: $value,)* ..$spec::DEFAULT }),*];

            /// The operation's row of the table.
            #[inline]
            pub fn spec(self) -> &'static $spec {
                &Self::SPECS[self as usize]
            }

            /// NumPy's name of the operation (also its GPU kernels' name).
            #[inline]
            pub fn name(self) -> &'static str {
                self.spec().name
            }

            /// Position in `ALL`.
            #[inline]
            pub fn index(self) -> usize {
                self as usize
            }

            /// The operation called `name` (its NumPy name or an alias).
            pub fn from_name(name: &str) -> Option<$op> {
                static BY_NAME: std::sync::LazyLock<std::collections::HashMap<&'static str, $op>> =
                    std::sync::LazyLock::new(|| {
                        let mut m = std::collections::HashMap::new();
                        for &op in $op::ALL {
                            m.insert(op.spec().name, op);
                            for &alias in op.spec().aliases {
                                m.insert(alias, op);
                            }
                        }
                        m
                    });
                BY_NAME.get(name).copied()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::binary::BinaryOp;
    use crate::ops::unary::UnaryOp;

    #[test]
    fn dtype_sets() {
        assert!(DTypes::FLOAT.contains(DType::F32) && !DTypes::FLOAT.contains(DType::I32));
        assert_eq!(DTypes::BITS.iter().collect::<Vec<_>>(), vec![DType::Bool, DType::U8, DType::I32, DType::I64]);
        assert_eq!(DTypes::NONE.iter().count(), 0);
    }

    #[test]
    fn names_round_trip_and_aliases_resolve() {
        for &op in UnaryOp::ALL {
            assert_eq!(UnaryOp::from_name(op.name()), Some(op));
        }
        for &op in BinaryOp::ALL {
            assert_eq!(BinaryOp::from_name(op.name()), Some(op));
        }
        assert_eq!(UnaryOp::from_name("abs"), Some(UnaryOp::Abs));
        assert_eq!(BinaryOp::from_name("divide"), Some(BinaryOp::Div));
        assert_eq!(BinaryOp::from_name("nope"), None);
    }

    #[test]
    fn family_names() {
        let f = Family::one("gather", DTypes::FLOAT);
        assert_eq!(f.kernel_names(), vec!["gather_f32", "gather_f64"]);
        assert_eq!(f.kernel_name(0, DType::I32), None);
    }
}
