"""PyTorch twins of VaeCreative's SentenceVae (Generator.Text/Models/SentenceVae.cs) and SpanLatentVae
(Generator.Text/Models/SpanLatentVae.cs), their text sampling and the variation engine's two neighbourhoods.

Same layers and parameter names (so TorchSharp's safetensors load as-is), same maths, operation for operation:
token embedding with one extra row (the word-dropout mask id, one past the vocabulary); a bidirectional LSTM (or
GRU) encoder over each row's real tokens (packed, so padding never reaches the posterior) -> mu, log-variance;
z -> tanh(dense) -> decoder initial state; z concatenated to every decoder input; word dropout on decoder inputs
after BOS; the output layer shares the embedding's weights (logits = toEmbedding(h) . E[:V]^T + outputBias); NLL
summed over each row's real targets (tokens and EOS), padding masked out. Generation is autoregressive from BOS
with one caller-supplied uniform per row and step, sampled by inverse CDF (Core's TokenSampler); PAD and BOS are
never drawn, and the last position is reserved for EOS.

SpanLatentVae: one Gaussian code of `latent` per span of `span_tokens` predicted positions (1 .. max_tokens - 1, padded
to whole spans): the bidirectional encoder's outputs averaged over each span's real positions (spans wholly after EOS
get mu = 0, log-variance = 0); z flat [batch, spans * latent], span-major; no decoder initial state from z (zeros, no
toDecoderState); decoder step j (predicting position j + 1) reads the code of span j // span_tokens beside its token.
Its variations are posterior noise (mu + spread * (1 - similarity) * sigma * eps), not slerp.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from latent import elbo_loss, kl, slerp  # noqa: F401 (kl and elbo_loss are used through this module too)


class SentenceVae(nn.Module):
    kind = "sentence-vae"
    neighbourhood = "prior-slerp"  # the C# model's IVaeModel.Neighbourhood (the default)

    def __init__(self, vocab=8000, max_tokens=48, pad=0, bos=2, eos=3, embedding=192, encoder_hidden=256,
                 decoder_hidden=512, decoder_layers=1, latent=32, word_dropout=0.25, cell="lstm"):
        super().__init__()
        if cell not in ("lstm", "gru"):
            raise ValueError(f"unknown cell {cell!r}")
        self.vocab, self.max_tokens, self.latent = vocab, max_tokens, latent
        self.code_size = latent
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

    KEYS = ("vocab", "max_tokens", "pad", "bos", "eos", "embedding", "encoder_hidden", "decoder_hidden",
            "decoder_layers", "latent", "word_dropout", "cell")

    @staticmethod
    def from_spec(spec):
        return SentenceVae(**{k: spec[k] for k in SentenceVae.KEYS})

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

    def step_latents(self, z, steps):
        """The latent input of each of `steps` decoder steps [rows, steps, latent]: the row's one code at every step."""
        return z.unsqueeze(1).expand(z.shape[0], steps, z.shape[1])

    def decoder_outputs(self, inputs, z):
        steps = inputs.shape[1]
        out, _ = self.decoder(torch.cat([self.embedding(inputs), self.step_latents(z, steps)], 2), self.initial_state(z))
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
        z_steps = self.step_latents(z, steps - 1)
        state = self.initial_state(z)
        inp = torch.full([rows], self.bos, dtype=torch.int64)
        finished = torch.zeros(rows, dtype=torch.bool)
        for t in range(1, steps - 1):
            x = torch.cat([self.embedding(inp.unsqueeze(1)), z_steps.narrow(1, t - 1, 1)], 2)
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


class SpanLatentVae(SentenceVae):
    """The span model: SentenceVae's embedding, bidirectional encoder, decoder, word dropout, tied output layer, NLL
    and sampling, with one code per span (see the module's docstring). Same parameter names as the C# fields."""
    kind = "span-latent-vae"
    neighbourhood = "posterior-noise"  # SpanLatentVae.Neighbourhood

    def __init__(self, vocab=8000, max_tokens=48, pad=0, bos=2, eos=3, embedding=192, encoder_hidden=256,
                 decoder_hidden=512, decoder_layers=1, latent=8, word_dropout=0.25, cell="lstm", span_tokens=1):
        nn.Module.__init__(self)
        if cell not in ("lstm", "gru"):
            raise ValueError(f"unknown cell {cell!r}")
        if not 1 <= span_tokens <= 64:
            raise ValueError(f"span_tokens must be 1-64, not {span_tokens}")
        self.vocab, self.max_tokens, self.latent = vocab, max_tokens, latent
        self.pad, self.bos, self.eos, self.mask = pad, bos, eos, vocab
        self.word_dropout, self.cell = word_dropout, cell
        self.decoder_hidden, self.decoder_layers = decoder_hidden, decoder_layers
        self.parts = 2 if cell == "lstm" else 1
        self.span_tokens = span_tokens
        self.spans = (max_tokens - 1 + span_tokens - 1) // span_tokens  # SentenceVaeOptions.Spans
        self.code_size = self.spans * latent
        rnn = nn.LSTM if cell == "lstm" else nn.GRU
        # The C# fields' order: embedding, encoder, toMean, toLogVariance, decoder, toEmbedding, outputBias.
        self.embedding = nn.Embedding(vocab + 1, embedding)
        self.encoder = rnn(embedding, encoder_hidden, 1, batch_first=True, bidirectional=True)
        self.toMean = nn.Linear(2 * encoder_hidden, latent)
        self.toLogVariance = nn.Linear(2 * encoder_hidden, latent)
        self.decoder = rnn(embedding + latent, decoder_hidden, decoder_layers, batch_first=True)
        self.toEmbedding = nn.Linear(decoder_hidden, embedding)
        self.outputBias = nn.Parameter(torch.zeros(vocab))
        with torch.no_grad():
            self.embedding.weight.uniform_(-0.1, 0.1)

    @staticmethod
    def from_spec(spec):
        return SpanLatentVae(span_tokens=spec["span_tokens"], **{k: spec[k] for k in SentenceVae.KEYS})

    def encode(self, tokens):
        """mu and log-variance [batch, spans * latent]: each span's mean of the encoder's outputs over its real
        positions, operation for operation as the C# SpanLatentVae.Encode."""
        batch, width = tokens.shape
        lengths = tokens.ne(self.pad).sum(1)
        packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True, enforce_sorted=False)
        output, _ = self.encoder(packed)
        # [batch, width, 2 * hidden], rows in input order, zero after each row's EOS.
        states, _ = pad_packed_sequence(output, batch_first=True, total_length=width)
        positions = self.spans * self.span_tokens
        real = tokens.narrow(1, 1, width - 1).ne(self.pad).to(states.dtype)
        predicted = states.narrow(1, 1, width - 1)
        if positions > width - 1:
            predicted = F.pad(predicted, [0, 0, 0, positions - (width - 1)])
            real = F.pad(real, [0, positions - (width - 1)])
        features = predicted.shape[2]
        sums = predicted.mul(real.unsqueeze(2)).view(batch, self.spans, self.span_tokens, features).sum(2)
        counts = real.view(batch, self.spans, self.span_tokens).sum(2)
        pooled = sums.div(counts.clamp_min(1).unsqueeze(2))
        empty = counts.eq(0).unsqueeze(2)
        mean = self.toMean(pooled).masked_fill(empty, 0)
        logvar = self.toLogVariance(pooled).masked_fill(empty, 0)
        return mean.reshape(batch, self.code_size), logvar.reshape(batch, self.code_size)

    def initial_state(self, z):
        return None  # zeros: no one code describes the row

    def step_latents(self, z, steps):
        """Step j reads the code of span j // span_tokens (it predicts position j + 1)."""
        if z.dim() != 2 or z.shape[1] != self.code_size:
            raise ValueError(f"expected z of size {self.spans} x {self.latent}; got {list(z.shape)}")
        index = torch.div(torch.arange(steps, dtype=torch.int64), self.span_tokens, rounding_mode="floor")
        return z.view(z.shape[0], self.spans, self.latent).index_select(1, index)


def from_spec(spec):
    """The twin of the kind the C# side exported (spec["kind"]; a spec without one is a sentence-vae)."""
    kind = spec.get("kind", SentenceVae.kind)
    for cls in (SentenceVae, SpanLatentVae):
        if cls.kind == kind:
            return cls.from_spec(spec)
    raise ValueError(f"no PyTorch twin of a {kind}")


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


# VariationEngine.PosteriorNoiseSpread (the C# side exports it; this is its value when the twin runs alone).
POSTERIOR_NOISE_SPREAD = 4.0


def vary_codes(model, seed_tokens, count, similarity, noise, spread=POSTERIOR_NOISE_SPREAD):
    """The variation engine's codes (VariationEngine.VaryBatch) in the model's neighbourhood, mu the seed's posterior
    mean repeated: prior-slerp, slerp(mu, noise, 1 - similarity); posterior-noise,
    mu + spread * (1 - similarity) * sigma * noise (sigma = exp(logvar / 2), the scale a double as in C#)."""
    mean, logvar = model.encode(seed_tokens)
    means = mean.repeat(count, 1)
    if model.neighbourhood == "posterior-noise":
        sigma = logvar.mul(0.5).exp()
        return means.add(sigma.repeat(count, 1).mul(noise), alpha=spread * (1.0 - similarity))
    t = torch.full([means.shape[0], 1], 1.0 - similarity, dtype=means.dtype)
    return slerp(means, noise, t)


def vary(model, seed_tokens, count, similarity, temperature, generator, spread=POSTERIOR_NOISE_SPREAD):
    """The variation engine's vary: encode, draw the codes around mu (vary_codes), decode; its random numbers in its
    order (the code noise [count, code size], then one uniform per row and position)."""
    noise = torch.randn([count, model.code_size], generator=generator)
    z = vary_codes(model, seed_tokens, count, similarity, noise, spread)
    uniform = torch.rand([count, model.max_tokens], generator=generator)
    return model.generate(z, uniform, torch.full([count], temperature))
