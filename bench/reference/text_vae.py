"""PyTorch twin of VaeCreative's SentenceVae (Generator.Text/Models/SentenceVae.cs) and its text sampling.

Same layers and parameter names (so TorchSharp's safetensors load as-is), same maths, operation for operation:
token embedding with one extra row (the word-dropout mask id, one past the vocabulary); a bidirectional LSTM (or
GRU) encoder over each row's real tokens (packed, so padding never reaches the posterior) -> mu, log-variance;
z -> tanh(dense) -> decoder initial state; z concatenated to every decoder input; word dropout on decoder inputs
after BOS; the output layer shares the embedding's weights (logits = toEmbedding(h) . E[:V]^T + outputBias); NLL
summed over each row's real targets (tokens and EOS), padding masked out. Generation is autoregressive from BOS
with one caller-supplied uniform per row and step, sampled by inverse CDF (Core's TokenSampler); PAD and BOS are
never drawn, and the last position is reserved for EOS.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence

from latent import elbo_loss, kl, slerp  # noqa: F401 (kl and elbo_loss are used through this module too)


class SentenceVae(nn.Module):
    def __init__(self, vocab=8000, max_tokens=48, pad=0, bos=2, eos=3, embedding=192, encoder_hidden=256,
                 decoder_hidden=512, decoder_layers=1, latent=32, word_dropout=0.25, cell="lstm"):
        super().__init__()
        if cell not in ("lstm", "gru"):
            raise ValueError(f"unknown cell {cell!r}")
        self.vocab, self.max_tokens, self.latent = vocab, max_tokens, latent
        self.pad, self.bos, self.eos, self.mask = pad, bos, eos, vocab
        self.word_dropout, self.cell = word_dropout, cell
        self.decoder_hidden, self.decoder_layers = decoder_hidden, decoder_layers
        self.parts = 2 if cell == "lstm" else 1
        rnn = nn.LSTM if cell == "lstm" else nn.GRU
        # Same registration order as the C# fields (the safetensors names are the field names).
        self.embedding = nn.Embedding(vocab + 1, embedding)
        self.encoder = rnn(embedding, encoder_hidden, 1, batch_first=True, bidirectional=True)
        self.toMean = nn.Linear(2 * encoder_hidden, latent)
        self.toLogVariance = nn.Linear(2 * encoder_hidden, latent)
        self.toDecoderState = nn.Linear(latent, self.parts * decoder_layers * decoder_hidden)
        self.decoder = rnn(embedding + latent, decoder_hidden, decoder_layers, batch_first=True)
        self.toEmbedding = nn.Linear(decoder_hidden, embedding)
        self.outputBias = nn.Parameter(torch.zeros(vocab))
        with torch.no_grad():
            # As the C# initialisation (distribution, not values): tied embedding U(+-0.1), output bias 0.
            self.embedding.weight.uniform_(-0.1, 0.1)

    @staticmethod
    def from_spec(spec):
        keys = ("vocab", "max_tokens", "pad", "bos", "eos", "embedding", "encoder_hidden", "decoder_hidden",
                "decoder_layers", "latent", "word_dropout", "cell")
        return SentenceVae(**{k: spec[k] for k in keys})

    def _final_state(self, rnn_out):
        _, state = rnn_out
        return state[0] if self.cell == "lstm" else state

    def encode(self, tokens):
        lengths = tokens.ne(self.pad).sum(1)
        packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True, enforce_sorted=False)
        h = self._final_state(self.encoder(packed))  # [2, batch, hidden], rows in input order
        summary = torch.cat([h[0], h[1]], 1)
        return self.toMean(summary), self.toLogVariance(summary)

    def initial_state(self, z):
        # [batch, part, layer, hidden] -> [part, layer, batch, hidden]: h (then c) as the RNN wants them.
        state = torch.tanh(self.toDecoderState(z)).view(z.shape[0], self.parts, self.decoder_layers,
                                                         self.decoder_hidden).permute(1, 2, 0, 3)
        parts = [state[p].contiguous() for p in range(self.parts)]
        return (parts[0], parts[1]) if self.cell == "lstm" else parts[0]

    def decoder_inputs(self, tokens, dropout_uniform=None, generator=None):
        """Each row without its last position; in training, real tokens after BOS masked where u < word dropout.

        The uniforms are those given (the equivalence check feeds the C# side's), else drawn from the generator.
        """
        inputs = tokens.narrow(1, 0, tokens.shape[1] - 1)
        if not self.training or self.word_dropout <= 0:
            return inputs
        u = dropout_uniform if dropout_uniform is not None else torch.rand(inputs.shape, generator=generator)
        drop = u.lt(self.word_dropout).logical_and(inputs.ne(self.pad)).logical_and(inputs.ne(self.bos))
        return inputs.masked_fill(drop, self.mask)

    def logits(self, hidden):
        return F.linear(self.toEmbedding(hidden), self.embedding.weight.narrow(0, 0, self.vocab), self.outputBias)

    def decoder_outputs(self, inputs, z):
        steps = inputs.shape[1]
        z_repeated = z.unsqueeze(1).expand(z.shape[0], steps, z.shape[1])
        out, _ = self.decoder(torch.cat([self.embedding(inputs), z_repeated], 2), self.initial_state(z))
        return out

    def reconstruct(self, tokens, z, dropout_uniform=None, generator=None):
        """Per-row NLL [batch] over real targets, and the argmax-correct and total target counts (as the C#)."""
        batch, target_steps = tokens.shape[0], tokens.shape[1] - 1
        hidden = self.decoder_outputs(self.decoder_inputs(tokens, dropout_uniform, generator), z)
        real = tokens.narrow(1, 1, target_steps).ne(self.pad).reshape(-1)
        positions = real.nonzero().squeeze(1)
        targets = tokens.narrow(1, 1, target_steps).reshape(-1).index_select(0, positions)
        logits = self.logits(hidden.reshape(-1, hidden.shape[2]).index_select(0, positions))
        per_target = F.cross_entropy(logits, targets, reduction="none")
        nll = torch.zeros(batch * target_steps, dtype=per_target.dtype).masked_scatter(real, per_target) \
            .view(batch, target_steps).sum(1)
        with torch.no_grad():
            correct = logits.argmax(-1).eq(targets).sum().item()
        return nll, correct, positions.shape[0]

    def generate(self, z, uniform, temperatures, top_ps=None):
        """Rows [batch, max_tokens]: BOS, tokens..., EOS, PAD...; position t samples with uniform[row, t]."""
        rows, steps = z.shape[0], self.max_tokens
        banned = torch.zeros(self.vocab, dtype=self.embedding.weight.dtype) \
            .index_fill_(0, torch.tensor([self.pad, self.bos]), float("-inf"))
        output = torch.full([rows, steps], self.pad, dtype=torch.int64)
        output.select(1, 0).fill_(self.bos)
        z_step = z.unsqueeze(1)
        state = self.initial_state(z)
        inp = torch.full([rows], self.bos, dtype=torch.int64)
        finished = torch.zeros(rows, dtype=torch.bool)
        for t in range(1, steps - 1):
            x = torch.cat([self.embedding(inp.unsqueeze(1)), z_step], 2)
            hidden, state = self.decoder(x, state)
            logits = self.logits(hidden.squeeze(1)).add(banned)
            token = sample(logits, uniform.select(1, t), temperatures, top_ps).masked_fill(finished, self.pad)
            output.select(1, t).copy_(token)
            finished = finished.logical_or(token.eq(self.eos))
            inp = token
            if finished.all().item():
                break
        output.select(1, steps - 1).masked_fill_(finished.logical_not(), self.eos)
        return output


def _inverse_cdf(probabilities, uniform, last):
    cumulative = probabilities.cumsum(-1)
    target = uniform.mul(cumulative.select(1, probabilities.shape[1] - 1)).unsqueeze(1)
    return cumulative.lt(target).sum(-1).clamp_max(last)


def sample(logits, uniform, temperatures, top_p=None):
    """Core's TokenSampler: per row the first token whose cumulative probability reaches u x the total."""
    last = logits.shape[1] - 1
    scores = logits.to(torch.float32)
    greedy = scores.argmax(-1)
    t = temperatures.to(torch.float32)
    probabilities = F.softmax(scores.div(t.clamp_min(1e-6).unsqueeze(1)), -1)
    u = uniform.to(torch.float32)
    sampled = _inverse_cdf(probabilities, u, last)
    if top_p is not None:
        sorted_p, indices = probabilities.sort(-1, descending=True)
        before = sorted_p.cumsum(-1).sub(sorted_p)
        p = top_p.to(torch.float32)
        nucleus = sorted_p.mul(before.lt(p.unsqueeze(1)).to(torch.float32))
        in_nucleus = indices.gather(1, _inverse_cdf(nucleus, u, last).unsqueeze(1)).squeeze(1)
        sampled = torch.where(p.ge(1.0), sampled, in_nucleus)
    return torch.where(t.le(0.0), greedy, sampled)


def vary_codes(model, seed_tokens, count, similarity, noise):
    """The variation codes: slerp(mu, noise, 1 - similarity), mu the seed's posterior mean repeated."""
    mean, _ = model.encode(seed_tokens)
    means = mean.repeat(count, 1)
    t = torch.full([means.shape[0], 1], 1.0 - similarity, dtype=means.dtype)
    return slerp(means, noise, t)


def vary(model, seed_tokens, count, similarity, temperature, generator):
    """The variation engine's vary: encode, slerp(mu, eps, 1 - similarity), decode; its random numbers in its order
    (the code noise, then one uniform per row and position)."""
    noise = torch.randn([count, model.latent], generator=generator)
    z = vary_codes(model, seed_tokens, count, similarity, noise)
    uniform = torch.rand([count, model.max_tokens], generator=generator)
    return model.generate(z, uniform, torch.full([count], temperature))
