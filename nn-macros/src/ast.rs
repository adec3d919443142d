//! The resolved model: what `check` proves and `expand` emits. Plain data.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Attribute, Ident, Visibility};

/// A network whose every layer and shape is known.
pub(crate) struct Network {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub input: Shape,
    pub layers: Vec<Layer>,
    /// The chain as the user wrote it, for the generated docs.
    pub source: String,
}

impl Network {
    /// The shape of one output sample.
    pub fn output(&self) -> Shape {
        self.layers.last().map_or(self.input, |l| l.output)
    }

    /// The networks used as layers, whose parameters the macro cannot count.
    pub fn nested(&self) -> impl Iterator<Item = &Ident> {
        self.layers.iter().filter_map(|l| match &l.kind {
            LayerKind::Nested { name } => Some(name),
            _ => None,
        })
    }

    /// Trainable scalars in the whole network (checked not to overflow),
    /// besides those of nested networks.
    pub fn parameters(&self) -> usize {
        self.layers.iter().map(|l| l.params).sum()
    }

    /// The `nn::network::Output` its last layer gives, as an expression
    /// (a nested network last gives what that network gives; dropout,
    /// reshape and flatten pass on what the layer before them gives).
    pub fn output_kind(&self) -> TokenStream {
        let last = self.layers.iter().rev().find(|l| {
            !matches!(
                l.kind,
                LayerKind::Dropout { .. } | LayerKind::Reshape | LayerKind::Flatten
            )
        });
        let activation = match last.map(|l| &l.kind) {
            Some(LayerKind::Dense { activation, .. } | LayerKind::Activation(activation)) => {
                activation
            }
            Some(LayerKind::Nested { name }) => {
                return quote!(<#name<E> as ::nn::Network<E>>::OUTPUT);
            }
            Some(_) => return quote!(::nn::network::Output::Other),
            None => return quote!(::nn::network::Output::Linear),
        };
        match activation {
            Activation::Identity => quote!(::nn::network::Output::Linear),
            Activation::Softmax => quote!(::nn::network::Output::Softmax),
            Activation::Sigmoid => quote!(::nn::network::Output::Sigmoid),
            _ => quote!(::nn::network::Output::Other),
        }
    }
}

/// The shape of one sample between two layers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Features: `[784]`.
    Flat(usize),
    /// Channels, height, width: `[1, 28, 28]`.
    Image { c: usize, h: usize, w: usize },
}

impl Shape {
    /// Scalars in one sample.
    pub fn numel(self) -> usize {
        match self {
            Self::Flat(n) => n,
            Self::Image { c, h, w } => c * h * w,
        }
    }

    /// Scalars in one sample, `None` when that overflows a `usize`.
    pub fn checked_numel(self) -> Option<usize> {
        self.dims()
            .into_iter()
            .try_fold(1usize, |n, d| n.checked_mul(d))
    }

    /// The dimensions, `[784]` or `[c, h, w]`.
    pub fn dims(self) -> Vec<usize> {
        match self {
            Self::Flat(n) => vec![n],
            Self::Image { c, h, w } => vec![c, h, w],
        }
    }

    /// The runtime shape type.
    pub fn path(self) -> TokenStream {
        let lit = proc_macro2::Literal::usize_unsuffixed;
        match self {
            Self::Flat(n) => {
                let n = lit(n);
                quote!(::nn::shape::Flat<#n>)
            }
            Self::Image { c, h, w } => {
                let (c, h, w) = (lit(c), lit(h), lit(w));
                quote!(::nn::shape::Image<#c, #h, #w>)
            }
        }
    }
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Flat(n) => write!(f, "[{n}]"),
            Self::Image { c, h, w } => write!(f, "[{c}, {h}, {w}]"),
        }
    }
}

/// One layer with its shapes and the struct field that holds it.
pub(crate) struct Layer {
    pub kind: LayerKind,
    pub input: Shape,
    pub output: Shape,
    /// Trainable scalars in this layer (checked not to overflow).
    pub params: usize,
    /// The layer's name token, where generated code for it is spanned.
    pub span: Span,
    /// `dense0`, `relu0`, `dense1`, ...
    pub field: Ident,
}

impl Layer {
    /// The layer's weight penalty, for the kinds that take one.
    pub fn penalty(&self) -> Option<Penalty> {
        match self.kind {
            LayerKind::Dense { penalty, .. }
            | LayerKind::Conv2d { penalty, .. }
            | LayerKind::Embedding { penalty, .. } => Some(penalty).filter(|p| !p.is_none()),
            _ => None,
        }
    }

    /// Whether the layer has parameters (and so a gradient field).
    pub fn has_params(&self) -> bool {
        matches!(
            self.kind,
            LayerKind::Dense { .. }
                | LayerKind::Conv2d { .. }
                | LayerKind::LayerNorm { .. }
                | LayerKind::BatchNorm { .. }
                | LayerKind::Embedding { .. }
                | LayerKind::Nested { .. }
        )
    }
}

/// Keras's kernel regularizer: `l1 * sum |w| + l2 * sum w^2` over a
/// layer's weight (not its bias), added to the loss.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Penalty {
    pub l1: f64,
    pub l2: f64,
}

impl Penalty {
    /// Whether the layer has no penalty.
    pub fn is_none(&self) -> bool {
        self.l1 == 0.0 && self.l2 == 0.0
    }
}

/// The layer kinds `network!` knows.
pub(crate) enum LayerKind {
    Dense {
        units: usize,
        activation: Activation,
        penalty: Penalty,
    },
    /// A convolution's activation is always a layer of its own after it.
    Conv2d {
        filters: usize,
        kernel: usize,
        stride: usize,
        padding: usize,
        penalty: Penalty,
    },
    MaxPool2d {
        kernel: usize,
        stride: usize,
    },
    AvgPool2d {
        kernel: usize,
        stride: usize,
    },
    GlobalAvgPool,
    Flatten,
    /// The same values in another shape.
    Reshape,
    /// A network declared with `network!`, used as a layer; its output shape
    /// is declared and checked against its type at compile time.
    Nested {
        name: Ident,
    },
    /// The end of `residual(...)`: passes its input on, and generated code
    /// adds the block's input (the input of the layer `block_len` back).
    ResidualAdd {
        block_len: usize,
    },
    /// Token ids to learned vectors; only as the first layer.
    Embedding {
        vocab: usize,
        dim: usize,
        penalty: Penalty,
    },
    /// The fraction of values dropped in training, in [0, 1).
    Dropout {
        rate: f64,
    },
    /// Normalises each sample's features; `eps` is added to the variance.
    LayerNorm {
        eps: f64,
    },
    /// Normalises each feature or channel over the batch; Keras's momentum.
    BatchNorm {
        momentum: f64,
        eps: f64,
    },
    Activation(Activation),
}

impl LayerKind {
    /// The word the field name starts with.
    pub fn field_prefix(&self) -> String {
        let word = match self {
            Self::Nested { name } => return name.to_string().to_lowercase(),
            Self::Dense { .. } => "dense",
            Self::Conv2d { .. } => "conv2d_",
            Self::MaxPool2d { .. } => "maxpool2d_",
            Self::AvgPool2d { .. } => "avgpool2d_",
            Self::GlobalAvgPool => "global_avgpool",
            Self::Flatten => "flatten",
            Self::Reshape => "reshape",
            Self::ResidualAdd { .. } => "residual",
            Self::Embedding { .. } => "embedding",
            Self::Dropout { .. } => "dropout",
            Self::LayerNorm { .. } => "layernorm",
            Self::BatchNorm { .. } => "batchnorm",
            Self::Activation(activation) => activation.name(),
        };
        word.to_owned()
    }
}

/// Activation functions, by their DSL names, with their settings.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Activation {
    Identity,
    Relu,
    LeakyRelu { alpha: f64 },
    Elu { alpha: f64 },
    Gelu { approximate: bool },
    Silu,
    Sigmoid,
    Tanh,
    Softplus,
    Softmax,
}

impl Activation {
    /// Every name the DSL accepts for an activation (`swish` is `silu`).
    pub const NAMES: [&'static str; 11] = [
        "relu",
        "leaky_relu",
        "elu",
        "gelu",
        "silu",
        "swish",
        "sigmoid",
        "tanh",
        "softplus",
        "softmax",
        "identity",
    ];

    /// The activation a bare name stands for, with its default settings
    /// (`leaky_relu`: alpha 0.01 as PyTorch; `elu`: alpha 1; `gelu`: exact).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "identity" => Self::Identity,
            "relu" => Self::Relu,
            "leaky_relu" => Self::LeakyRelu { alpha: 0.01 },
            "elu" => Self::Elu { alpha: 1.0 },
            "gelu" => Self::Gelu { approximate: false },
            "silu" | "swish" => Self::Silu,
            "sigmoid" => Self::Sigmoid,
            "tanh" => Self::Tanh,
            "softplus" => Self::Softplus,
            "softmax" => Self::Softmax,
            _ => return None,
        })
    }

    /// The canonical DSL name, which also starts the layer's field name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Relu => "relu",
            Self::LeakyRelu { .. } => "leaky_relu",
            Self::Elu { .. } => "elu",
            Self::Gelu { .. } => "gelu",
            Self::Silu => "silu",
            Self::Sigmoid => "sigmoid",
            Self::Tanh => "tanh",
            Self::Softplus => "softplus",
            Self::Softmax => "softmax",
        }
    }

    /// Whether the gradient needs the activation's input, which a dense layer
    /// does not keep (the runtime's `Activation::NEEDS_INPUT`).
    pub fn needs_input(self) -> bool {
        matches!(self, Self::Gelu { .. } | Self::Silu)
    }

    /// The runtime type implementing it; settings travel as `f64` bits.
    pub fn path(self) -> TokenStream {
        match self {
            Self::Identity => quote!(::nn::act::Identity),
            Self::Relu => quote!(::nn::act::Relu),
            Self::LeakyRelu { alpha } => {
                let bits = alpha.to_bits();
                quote!(::nn::act::LeakyRelu<#bits>)
            }
            Self::Elu { alpha } => {
                let bits = alpha.to_bits();
                quote!(::nn::act::Elu<#bits>)
            }
            Self::Gelu { approximate: false } => quote!(::nn::act::Gelu),
            Self::Gelu { approximate: true } => quote!(::nn::act::GeluTanh),
            Self::Silu => quote!(::nn::act::Silu),
            Self::Sigmoid => quote!(::nn::act::Sigmoid),
            Self::Tanh => quote!(::nn::act::Tanh),
            Self::Softplus => quote!(::nn::act::Softplus),
            Self::Softmax => quote!(::nn::act::Softmax),
        }
    }
}
