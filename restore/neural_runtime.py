"""Serving the neural restorer with onnxruntime: no torch at run time.

The ONNX file maps a line of accent-stripped input ids to one vector per
position; candidates are scored by dot products with their output
embeddings (kept in the npz beside it), so only the candidates of each
position are ever considered.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .decode import log_softmax_segments
from .ngram import UNK
from .neural_tables import surface_input

MAX_LEN = 128


class NeuralScorer:
    def __init__(self, onnx_path: Path, tables_path: Path):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # pages already run in parallel processes
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        with np.load(tables_path, allow_pickle=False) as data:
            self.inputs = bytes(data["inputs"]).decode("utf-8").split("\n")
            self.out_embedding = data["out_embedding"]
            self.probe_ids = data["probe_ids"]
            self.probe_hidden = data["probe_hidden"]
        self.input_index = {w: i for i, w in enumerate(self.inputs)}
        self.unk = self.input_index[UNK]

    def hidden(self, input_ids: np.ndarray) -> np.ndarray:
        """(batch, length) int64 ids -> (batch, length, hidden) float32."""
        return self.session.run(["hidden"], {"input_ids": input_ids.astype(np.int64)})[0]

    def encode(self, tokens: list[str]) -> np.ndarray:
        """Hidden vectors for the tokens of a line as written (long lines in pieces of MAX_LEN)."""
        ids = np.array([self.input_index.get(surface_input(t), self.unk) for t in tokens], np.int64)
        if len(ids) == 0:
            return np.zeros((0, self.out_embedding.shape[1]), np.float32)
        parts = [self.hidden(ids[i:i + MAX_LEN][None, :])[0] for i in range(0, len(ids), MAX_LEN)]
        return np.concatenate(parts)

    def candidate_logprobs(self, vectors: np.ndarray, output_ids: list[np.ndarray]) -> list[np.ndarray]:
        """For each position (one vector, one array of candidate output ids), log-softmax over its
        candidates only: one gather and one product for the whole line, not a few small ones a word."""
        sizes = [len(ids) for ids in output_ids]
        owner = np.repeat(np.arange(len(sizes)), sizes)
        logits = np.einsum("nd,nd->n", self.out_embedding[np.concatenate(output_ids)], vectors[owner])
        return log_softmax_segments(logits, sizes)

    def self_check(self) -> float:
        """Largest difference between this runtime and torch on the probe saved at export."""
        return float(np.abs(self.hidden(self.probe_ids) - self.probe_hidden).max())
