//! Which microkernel family runs: detected once per process.

use std::sync::OnceLock;

/// An instruction-set family with its own `f32` microkernel.
///
/// # Examples
///
/// ```
/// use nn_runtime::gemm::{isa, Isa};
/// assert!(Isa::available().contains(&isa()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isa {
    /// Portable Rust, always compiled and always available.
    Fallback,
    /// x86-64 AVX2 with FMA (256-bit vectors).
    Avx2Fma,
    /// x86-64 AVX-512F (512-bit vectors).
    Avx512,
}

impl Isa {
    /// Every family this CPU can run, fallback first.
    pub fn available() -> Vec<Isa> {
        let best = detect();
        [Isa::Fallback, Isa::Avx2Fma, Isa::Avx512]
            .into_iter()
            .filter(|isa| *isa <= best)
            .collect()
    }

    /// The name `NN_GEMM_ISA` accepts.
    pub fn name(self) -> &'static str {
        match self {
            Isa::Fallback => "fallback",
            Isa::Avx2Fma => "avx2",
            Isa::Avx512 => "avx512",
        }
    }
}

impl PartialOrd for Isa {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Isa {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (*self as u8).cmp(&(*other as u8))
    }
}

/// The family every `f32` GEMM of this process uses, chosen on first use:
/// the best the CPU has, unless `NN_GEMM_ISA` (`fallback`, `avx2`, `avx512`)
/// asks for another.
///
/// # Panics
///
/// When `NN_GEMM_ISA` names a family this CPU lacks or an unknown one. It is
/// a developer switch for tests and benchmarks, not user input.
pub fn isa() -> Isa {
    static CHOSEN: OnceLock<Isa> = OnceLock::new();
    *CHOSEN.get_or_init(|| {
        let best = detect();
        match std::env::var("NN_GEMM_ISA") {
            Err(_) => best,
            Ok(name) => match Isa::available().into_iter().find(|i| i.name() == name) {
                Some(isa) => isa,
                None => panic!(
                    "NN_GEMM_ISA={name} is not available on this CPU; it has {:?}",
                    Isa::available()
                        .iter()
                        .map(|i| i.name())
                        .collect::<Vec<_>>()
                ),
            },
        }
    })
}

fn detect() -> Isa {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            return Isa::Avx512;
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            return Isa::Avx2Fma;
        }
    }
    Isa::Fallback
}
