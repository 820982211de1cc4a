"""StanceClassifier: encoder -> mean pooling over the attention mask -> linear
head over the four labels.

Mean pooling is how e5 was trained to embed passages, so the head starts on
meaningful features; a first-token head with a fresh pooler learns slowly on
these machines (DESIGN.md)."""

from __future__ import annotations

import torch
from torch import nn

from standpunt.pipelines.core.labels import LABELS


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)


class StanceClassifier(nn.Module):
    def __init__(self, encoder: nn.Module, hidden_size: int, num_labels: int = len(LABELS), dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, num_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.dropout(mean_pool(hidden, attention_mask)))


def apply_lora(encoder: nn.Module, r: int, alpha: int, dropout: float, targets: list[str], layers: list[int] | None):
    """Wrap the encoder with LoRA adapters; only the adapters train."""
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(
        r=r,
        lora_alpha=alpha,
        lora_dropout=dropout,
        target_modules=list(targets),
        layers_to_transform=list(layers) if layers is not None else None,
        bias="none",
    )
    return get_peft_model(encoder, config), config


def freeze_word_embeddings(encoder: nn.Module) -> None:
    """Full fine-tuning without the 96M-parameter word embedding table."""
    for parameter in encoder.parameters():
        parameter.requires_grad = True
    encoder.get_input_embeddings().weight.requires_grad = False


def trainable_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
