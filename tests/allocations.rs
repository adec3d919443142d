//! After the first step, a training step (forward, loss, backward, Adam) and
//! an inference call allocate nothing: every buffer lives in the generated
//! cache and gradient structs or in the GEMM's per-thread packing buffers.
//!
//! A counting global allocator sees every allocation of the process, so this
//! file holds a single test, and nothing else runs beside it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use nn::Network;
use nn::gemm::FlushDenormals;
use nn::loss::{SparseCrossEntropy, Targets};
use nn::optim::{Adam, AdamConfig};
use nn::train::{StepBuffers, train_step};

/// The system allocator, counting allocations and reallocations.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged, so `System`'s guarantees carry over; the counter has no effect
// on the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged; `ptr` came from `System` via `alloc`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged; the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

nn::network! { Mlp: [784] => dense(128, relu) -> dense(10) }

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    f();
    ALLOCATIONS.load(Ordering::SeqCst) - before
}

#[test]
fn steady_state_training_steps_and_inference_allocate_nothing() {
    // A pool of one thread, built before anything is measured: the global rayon
    // pool would otherwise start its threads lazily, and their start-up
    // allocations could land inside the measured window.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    pool.install(measure);
}

fn measure() {
    let control = allocations_during(|| drop(std::hint::black_box(Vec::<u8>::with_capacity(8))));
    assert_eq!(
        control, 1,
        "the counting allocator must see a plain allocation"
    );
    let _flush = FlushDenormals::enable();
    let batch = 32;
    let x: Vec<f32> = (0..batch * 784).map(|i| (i % 255) as f32 / 255.0).collect();
    let labels: Vec<usize> = (0..batch).map(|i| i % 10).collect();
    let mut model = Mlp::<f32>::new(0);
    let mut adam = Adam::new(AdamConfig::keras()).unwrap();
    let mut buffers = StepBuffers::new(0);
    let mut step = || {
        let targets = Targets::Classes(&labels);
        train_step(
            &mut model,
            &mut adam,
            &SparseCrossEntropy,
            &x,
            targets,
            &mut buffers,
            None,
        )
    };
    step(); // sizes the buffers
    step();
    let training = allocations_during(|| {
        for _ in 0..20 {
            step();
        }
    });
    assert_eq!(
        training, 0,
        "allocations in 20 training steps at batch {batch}"
    );

    let mut inference = MlpCache::default();
    model.forward(&x[..784], &mut inference);
    let calls = allocations_during(|| {
        for _ in 0..100 {
            model.forward(&x[..784], &mut inference);
        }
    });
    assert_eq!(calls, 0, "allocations in 100 batch-1 inference calls");
}
