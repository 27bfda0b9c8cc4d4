"""PyTorch twin of VaeCreative's HierarchicalSequenceVae (Generator.Core/Models/HierarchicalSequenceVae.cs).

Same layers and parameter names (TorchSharp's safetensors load as-is), same maths: a BiLSTM over each segment alone
(segmentEncoder; none when seg_enc_hidden is 0) and a BiLSTM over the segments' summaries (or over the whole
sequence) -> mu, log-variance; a conductor LSTM fed z at every step, its state from tanh(dense(z)), gives each segment (bar) an
embedding tanh(dense(output)); each segment is decoded alone by the bottom LSTM, its state from
tanh(dense(embedding)), the embedding concatenated to every input, the first input empty. Segments decode in
parallel as rows of one batch (row b * segments + s).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from melody_vae import decode


def state_from(dense, code, layers, hidden):
    s = torch.tanh(dense(code)).view(code.shape[0], 2, layers, hidden).permute(1, 2, 0, 3)
    return s[0].contiguous(), s[1].contiguous()


class HierarchicalMelodyVae(nn.Module):
    def __init__(self, vocab=90, segments=16, segment_length=16, seg_enc_hidden=128, enc_hidden=256, enc_layers=1, cond_hidden=256,
                 cond_layers=2, embedding=256, dec_hidden=256, dec_layers=2, latent=256):
        super().__init__()
        self.vocab, self.segments, self.segment_length, self.latent = vocab, segments, segment_length, latent
        self.steps = segments * segment_length
        self.cond_hidden, self.cond_layers = cond_hidden, cond_layers
        self.dec_hidden, self.dec_layers = dec_hidden, dec_layers
        self.seg_enc_hidden = seg_enc_hidden
        if seg_enc_hidden > 0:
            self.segmentEncoder = nn.LSTM(vocab, seg_enc_hidden, 1, batch_first=True, bidirectional=True)
        self.encoder = nn.LSTM(2 * seg_enc_hidden if seg_enc_hidden > 0 else vocab, enc_hidden, enc_layers, batch_first=True, bidirectional=True)
        self.toMean = nn.Linear(2 * enc_hidden, latent)
        self.toLogVariance = nn.Linear(2 * enc_hidden, latent)
        self.toConductorState = nn.Linear(latent, 2 * cond_layers * cond_hidden)
        self.conductor = nn.LSTM(latent, cond_hidden, cond_layers, batch_first=True)
        self.toEmbedding = nn.Linear(cond_hidden, embedding)
        self.toDecoderState = nn.Linear(embedding, 2 * dec_layers * dec_hidden)
        self.decoder = nn.LSTM(vocab + embedding, dec_hidden, dec_layers, batch_first=True)
        self.toLogits = nn.Linear(dec_hidden, vocab)

    def one_hot(self, tokens):
        return F.one_hot(tokens, self.vocab).to(self.toLogits.weight.dtype)

    def encode(self, tokens):
        x = self.one_hot(tokens)
        if self.seg_enc_hidden > 0:
            b = tokens.shape[0]
            _, (h, _) = self.segmentEncoder(x.reshape(b * self.segments, self.segment_length, self.vocab))
            x = torch.cat([h[-2], h[-1]], 1).reshape(b, self.segments, 2 * self.seg_enc_hidden)
        _, (h, _) = self.encoder(x)
        summary = torch.cat([h[-2], h[-1]], 1)
        return self.toMean(summary), self.toLogVariance(summary)

    def rows(self, z):
        """The conductor's embeddings as [batch * segments, embedding], batch-major."""
        b = z.shape[0]
        state = state_from(self.toConductorState, z, self.cond_layers, self.cond_hidden)
        out, _ = self.conductor(z.unsqueeze(1).expand(b, self.segments, z.shape[1]), state)
        e = torch.tanh(self.toEmbedding(out))
        return e.reshape(b * self.segments, e.shape[2])

    def teacher_forced_logits(self, tokens, z):
        b, length = tokens.shape[0], self.segment_length
        rows = self.rows(z)
        seg = tokens.reshape(b * self.segments, length)
        previous = F.pad(self.one_hot(seg)[:, : length - 1, :], (0, 0, 1, 0))
        inputs = torch.cat([previous, rows.unsqueeze(1).expand(rows.shape[0], length, rows.shape[1])], 2)
        out, _ = self.decoder(inputs, state_from(self.toDecoderState, rows, self.dec_layers, self.dec_hidden))
        return self.toLogits(out).reshape(b, self.steps, self.vocab)

    def reconstruction_nll(self, tokens, z):
        logits = self.teacher_forced_logits(tokens, z)
        nll = F.cross_entropy(logits.reshape(-1, self.vocab), tokens.reshape(-1), reduction="none")
        return nll.view(tokens.shape).sum(1)

    def generate(self, z, temperature=0.0, generator=None):
        rows = self.rows(z)
        state = state_from(self.toDecoderState, rows, self.dec_layers, self.dec_hidden)
        return decode(self, rows, state, self.segment_length, temperature, generator).reshape(z.shape[0], self.steps)
