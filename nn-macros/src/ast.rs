//! The resolved model: what `check` proves and `expand` emits. Plain data.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Attribute, Ident, Visibility};

/// A network whose every layer and shape is known.
pub(crate) struct Network {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub input: usize,
    pub layers: Vec<Layer>,
    /// The chain as the user wrote it, for the generated docs.
    pub source: String,
}

impl Network {
    /// Features of one output sample.
    pub fn output(&self) -> usize {
        self.layers.last().map_or(self.input, |l| l.output)
    }

    /// Trainable scalars in the whole network (checked not to overflow).
    pub fn parameters(&self) -> usize {
        self.layers.iter().map(|l| l.params).sum()
    }

    /// Whether the last step of the network is a softmax.
    pub fn outputs_probabilities(&self) -> bool {
        matches!(
            self.layers.last().map(|l| &l.kind),
            Some(
                LayerKind::Dense {
                    activation: Activation::Softmax,
                    ..
                } | LayerKind::Activation(Activation::Softmax)
            )
        )
    }
}

/// One layer with its shapes and the struct field that holds it.
pub(crate) struct Layer {
    pub kind: LayerKind,
    pub input: usize,
    pub output: usize,
    /// Trainable scalars in this layer (checked not to overflow).
    pub params: usize,
    /// The layer's name token, where generated code for it is spanned.
    pub span: Span,
    /// `dense0`, `relu0`, `dense1`, ...
    pub field: Ident,
}

impl Layer {
    /// Whether the layer has parameters (and so a gradient field).
    pub fn has_params(&self) -> bool {
        matches!(self.kind, LayerKind::Dense { .. })
    }
}

/// The layer kinds `network!` knows.
pub(crate) enum LayerKind {
    Dense {
        units: usize,
        activation: Activation,
    },
    Activation(Activation),
}

impl LayerKind {
    /// The word the field name starts with.
    pub fn field_prefix(&self) -> &'static str {
        match self {
            Self::Dense { .. } => "dense",
            Self::Activation(activation) => activation.name(),
        }
    }
}

/// Activation functions, by their DSL names.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Activation {
    Identity,
    Relu,
    Sigmoid,
    Tanh,
    Softmax,
}

impl Activation {
    pub const ALL: [Self; 5] = [
        Self::Identity,
        Self::Relu,
        Self::Sigmoid,
        Self::Tanh,
        Self::Softmax,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Relu => "relu",
            Self::Sigmoid => "sigmoid",
            Self::Tanh => "tanh",
            Self::Softmax => "softmax",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The runtime type implementing it.
    pub fn path(self) -> TokenStream {
        match self {
            Self::Identity => quote!(::nn::act::Identity),
            Self::Relu => quote!(::nn::act::Relu),
            Self::Sigmoid => quote!(::nn::act::Sigmoid),
            Self::Tanh => quote!(::nn::act::Tanh),
            Self::Softmax => quote!(::nn::act::Softmax),
        }
    }
}
