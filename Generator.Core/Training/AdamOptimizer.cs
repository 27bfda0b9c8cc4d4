using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;

namespace VaeCreative.Core.Training;

/// <summary>
/// TorchSharp's Adam with the same update, operation for operation (so it stays bit-identical to PyTorch's), whose
/// step holds every Scalar it passes to libtorch. TorchSharp's own step makes them on the fly
/// (<c>mul_(beta1)</c>, <c>add_(grad, alpha: 1 - beta1)</c>, …), and a garbage collection on another thread — a host
/// serving requests while it trains — can free one while libtorch reads it (see <see cref="Scalars"/>).
/// The state (moments, step counts) and its saved form are TorchSharp's; TorchSharp tags saved state with the
/// optimizer's class name, so <see cref="Checkpoints.CheckpointStore"/> retags checkpoints written by its Adam on load.
/// </summary>
public sealed class AdamOptimizer : Adam
{
    /// <summary>Adam over <paramref name="parameters"/> with learning rate <paramref name="learningRate"/> and PyTorch's defaults otherwise.</summary>
    public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate) : base(parameters, learningRate)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) =>
        _step<ParamGroup>(group =>
        {
            var options = (Options)group.Options;
            if (options.weight_decay is not (null or 0) || options.amsgrad == true || options.maximize == true)
                throw new NotSupportedException("AdamOptimizer implements plain Adam only (no weight decay, AMSGrad or maximize).");
            var beta1 = options.beta1!.Value;
            var beta2 = options.beta2!.Value;
            using var beta1Scalar = beta1.ToScalar();
            using var beta2Scalar = beta2.ToScalar();
            using var gradientWeight = (1 - beta1).ToScalar();
            using var squareWeight = (1 - beta2).ToScalar();
            using var eps = options.eps!.Value.ToScalar();
            foreach (var param in group.Parameters)
            {
                var grad = param.grad;
                if (grad is null) continue;
                var state = (State)_state[param.Handle];
                state.step += 1;
                var biasCorrection1 = 1 - Math.Pow(beta1, state.step);
                var biasCorrection2 = 1 - Math.Pow(beta2, state.step);
                using var denominatorScale = Math.Sqrt(biasCorrection2).ToScalar();
                using var stepSize = (-(options.LearningRate!.Value / biasCorrection1)).ToScalar();

                state.exp_avg.mul_(beta1Scalar).add_(grad, gradientWeight);
                state.exp_avg_sq.mul_(beta2Scalar).addcmul_(grad, grad.conj(), squareWeight);
                var denominator = state.exp_avg_sq.sqrt().div(denominatorScale).add_(eps, Scalars.One);
                param.addcdiv_(state.exp_avg, denominator, stepSize);
            }
        }, closure);
}
