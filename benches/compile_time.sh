#!/usr/bin/env bash
# Extra release build time of a VGG-16-sized network declared with `network!`.
#
# Builds a scratch crate that depends on this repository twice, once with a
# one-layer network and once with VGG-16 (13 convolutions, 5 poolings and 3
# dense layers, 16 weight layers, 37 layers with the activations) on
# 3x32x32 images. Dependencies are built first and not timed; each timed
# build touches only the crate's main.rs. Prints both medians and the
# difference, the time the VGG declaration adds.
#
#   bash benches/compile_time.sh [runs, default 3]
set -euo pipefail

runs=${1:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export CARGO_TARGET_DIR="$scratch/target"

mkdir -p "$scratch/src"
cat > "$scratch/Cargo.toml" <<TOML
[package]
name = "compile-time"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
nn = { path = "$repo" }
TOML

write_main() {
    cat > "$scratch/src/main.rs" <<RUST
nn::network! { pub Net: $1 }

// Forward, backward and an optimizer step, so all of the network's code is
// generated and optimised, as in a program that trains it.
fn main() {
    use nn::Network;
    use nn::shape::Shape;
    let mut model = Net::<f32>::new(1);
    let mut adam = nn::optim::Adam::new(nn::optim::AdamConfig::keras()).unwrap();
    let x = vec![0.5f32; <<Net as Network>::Input as Shape>::NUMEL];
    let (mut cache, mut grads) = (NetCache::default(), NetGrads::default());
    let mut rng = nn::rng::SeededRng::new(1);
    let stats = nn::train::train_step(&mut model, &mut adam, &x, &[3], &mut cache, &mut grads, &mut rng);
    println!("{} parameters, loss {}", Net::<f32>::PARAMETERS, stats.mean_loss());
}
RUST
}

small='[3, 32, 32] => flatten -> dense(10)'
vgg='[3, 32, 32] =>
    conv2d(64, 3, relu, padding = same) -> conv2d(64, 3, relu, padding = same) -> maxpool2d(2)
    -> conv2d(128, 3, relu, padding = same) -> conv2d(128, 3, relu, padding = same) -> maxpool2d(2)
    -> conv2d(256, 3, relu, padding = same) -> conv2d(256, 3, relu, padding = same)
    -> conv2d(256, 3, relu, padding = same) -> maxpool2d(2)
    -> conv2d(512, 3, relu, padding = same) -> conv2d(512, 3, relu, padding = same)
    -> conv2d(512, 3, relu, padding = same) -> maxpool2d(2)
    -> conv2d(512, 3, relu, padding = same) -> conv2d(512, 3, relu, padding = same)
    -> conv2d(512, 3, relu, padding = same) -> maxpool2d(2)
    -> flatten -> dense(512, relu) -> dropout(0.5) -> dense(512, relu) -> dropout(0.5) -> dense(10)'

# Dependencies once, untimed.
write_main "$small"
(cd "$scratch" && cargo build --release --quiet)

median_build() {
    write_main "$1"
    local times=()
    for _ in $(seq "$runs"); do
        touch "$scratch/src/main.rs"
        local start end
        start=$(date +%s.%N)
        (cd "$scratch" && cargo build --release --quiet)
        end=$(date +%s.%N)
        times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

base=$(median_build "$small")
big=$(median_build "$vgg")
printf 'one-layer network: %.2f s\nVGG-16 network:    %.2f s\nextra for VGG-16:  %.2f s (median of %d release builds each)\n' \
    "$base" "$big" "$(awk -v a="$base" -v b="$big" 'BEGIN { print b - a }')" "$runs"
