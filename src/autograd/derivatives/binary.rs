//! Gradients of the arithmetic binary operations (comparison, logical and bitwise
//! operations are not differentiable and are never recorded). Broadcasting is undone by
//! the engine, which sums each gradient back to its input's shape.

use super::scalar_like;
use crate::autograd::graph::{BackwardFn, Saver};
use crate::ops::binary::BinaryOp;
use crate::tensor::Tensor;

pub(crate) fn rule(op: BinaryOp, s: &mut Saver, a: &Tensor, b: &Tensor) -> BackwardFn {
    use BinaryOp::*;
    let keep_a = |s: &mut Saver| s.keep(a);
    let keep_b = |s: &mut Saver| s.keep(b);
    match op {
        Add => super::identity(),
        Sub => Box::new(|g, n| Ok(vec![n[0].then(|| g.clone()), if n[1] { Some(g.unary(crate::UnaryOp::Neg)?) } else { None }])),
        Mul => {
            let a = s.needs(1).then(|| keep_a(s));
            let b = s.needs(0).then(|| keep_b(s));
            Box::new(move |g, _| {
                Ok(vec![
                    b.as_ref().map(|b| g.mul(b)).transpose()?,
                    a.as_ref().map(|a| g.mul(a)).transpose()?,
                ])
            })
        }
        Div => {
            let a = s.needs(1).then(|| keep_a(s));
            let b = keep_b(s);
            Box::new(move |g, n| {
                let ga = g.div(&b)?;
                // d(a/b)/db = -(a/b)/b
                let gb = match &a {
                    Some(a) if n[1] => Some(ga.mul(a)?.div(&b)?.unary(crate::UnaryOp::Neg)?),
                    _ => None,
                };
                Ok(vec![n[0].then_some(ga), gb])
            })
        }
        Mod => {
            let ab = s.needs(1).then(|| (keep_a(s), keep_b(s)));
            Box::new(move |g, n| {
                let gb = match &ab {
                    Some((a, b)) => Some(g.mul(&a.binary(b, FloorDiv)?)?.unary(crate::UnaryOp::Neg)?),
                    None => None,
                };
                Ok(vec![n[0].then(|| g.clone()), gb])
            })
        }
        Pow => {
            let (a, b) = (keep_a(s), keep_b(s));
            Box::new(move |g, n| {
                let ga = if n[0] {
                    // b * a^(b-1); at a == 0 with b == 1 this is 1, as the limit says. Where
                    // b == 0, a^b is constant: zero, not 0 * 0^-1 = NaN at a == 0.
                    let bm1 = b.binary(&scalar_like(1.0, &b)?, Sub)?;
                    let d = g.mul(&b)?.mul(&a.binary(&bm1, Pow)?)?;
                    let b_zero = b.binary(&scalar_like(0.0, &b)?, Eq)?;
                    Some(Tensor::where_(&b_zero, &scalar_like(0.0, &d)?, &d)?)
                } else {
                    None
                };
                let gb = if n[1] {
                    // a^b * ln(a); zero where a == 0 (the limit from above), NaN below 0.
                    let zero = scalar_like(0.0, g)?;
                    let at_zero = a.binary(&scalar_like(0.0, &a)?, Eq)?;
                    let safe_a = Tensor::where_(&at_zero, &scalar_like(1.0, &a)?, &a)?;
                    let d = a.binary(&b, Pow)?.mul(&safe_a.unary(crate::UnaryOp::Log)?)?;
                    Some(Tensor::where_(&at_zero, &zero, &g.mul(&d)?)?)
                } else {
                    None
                };
                Ok(vec![ga, gb])
            })
        }
        Maximum | Minimum => {
            // Ties send the gradient to the first operand.
            let (a, b) = (keep_a(s), keep_b(s));
            let cmp = if op == Maximum { Ge } else { Le };
            Box::new(move |g, _| {
                let first = a.binary(&b, cmp)?;
                let zero = scalar_like(0.0, g)?;
                Ok(vec![Some(Tensor::where_(&first, g, &zero)?), Some(Tensor::where_(&first, &zero, g)?)])
            })
        }
        Copysign => {
            // d/da |a|·sign(b) = sign(a)·sign(b), the signs of zeros included; nothing flows
            // to b (its sign is a step function).
            let (a, b) = (keep_a(s), keep_b(s));
            Box::new(move |g, n| {
                let ga = if n[0] {
                    let sa = scalar_like(1.0, &a)?.binary(&a, Copysign)?;
                    let sb = scalar_like(1.0, &b)?.binary(&b, Copysign)?;
                    Some(g.mul(&sa.mul(&sb)?)?)
                } else {
                    None
                };
                Ok(vec![ga, None])
            })
        }
        Hypot => {
            // a / hypot(a, b), b / hypot(a, b)
            let (a, b) = (keep_a(s), keep_b(s));
            Box::new(move |g, n| {
                let h = a.binary(&b, Hypot)?;
                Ok(vec![
                    n[0].then(|| g.mul(&a.div(&h)?)).transpose()?,
                    n[1].then(|| g.mul(&b.div(&h)?)).transpose()?,
                ])
            })
        }
        Logaddexp | Logaddexp2 => {
            // e^(a - y), e^(b - y) for y = logaddexp(a, b) (base 2 for logaddexp2)
            let (a, b) = (keep_a(s), keep_b(s));
            let exp = if op == Logaddexp { crate::UnaryOp::Exp } else { crate::UnaryOp::Exp2 };
            Box::new(move |g, n| {
                let y = a.binary(&b, op)?;
                Ok(vec![
                    n[0].then(|| g.mul(&a.sub(&y)?.unary(exp)?)).transpose()?,
                    n[1].then(|| g.mul(&b.sub(&y)?.unary(exp)?)).transpose()?,
                ])
            })
        }
        Arctan2 => {
            // d atan2(a, b) = (b da - a db) / (a² + b²)
            let (a, b) = (keep_a(s), keep_b(s));
            Box::new(move |g, n| {
                let r2 = a.mul(&a)?.add(&b.mul(&b)?)?;
                let gr = g.div(&r2)?;
                Ok(vec![
                    n[0].then(|| gr.mul(&b)).transpose()?,
                    n[1].then(|| gr.mul(&a)?.unary(crate::UnaryOp::Neg)).transpose()?,
                ])
            })
        }
        _ => Box::new(move |_, n| Ok(vec![None; n.len()])),
    }
}
