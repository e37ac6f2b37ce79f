namespace Pim.Domain;

/// <summary>
/// Which items of a batch of evaluations are answered (AuthZEN Authorization API 1.0, "Evaluations semantics"): every
/// item, or up to and including the first deny, or up to and including the first permit.
/// </summary>
public enum EvaluationsSemantic { ExecuteAll, DenyOnFirstDeny, PermitOnFirstPermit }

/// <summary>
/// One answered item of a batch: the decision, or the refusal (a <see cref="PimException"/>) the same question asked
/// alone would have met. A refusal counts as a deny (AuthZEN: "decisions default to closed").
/// </summary>
public sealed record BatchOutcome(AccessDecision? Decision, PimException? Error)
{
    public bool Granted => Decision is { Granted: true };
}

/// <summary>
/// The rules of a batch of evaluations, shared by the native batch (<c>POST …/access/evaluations</c>) and AuthZEN's
/// (<c>POST /access/v1/evaluations</c>), after AuthZEN's two kinds of errors. What can be decided from the request and
/// the token alone — its shape, and whether the caller may ask about each principal (<see cref="EnsureMayEvaluateAll"/>)
/// — refuses the batch as a whole, as it would refuse each question alone. What only the directory knows — that the
/// tenant or the scope asked about exists — is the item's own answer (<see cref="BatchOutcome.Error"/>, a deny), and
/// does not fail the others. Items are evaluated one after the other and answered in the order asked; the semantic
/// decides where the batch stops.
/// </summary>
public static class BatchEvaluation
{
    /// <summary>The most items one batch may hold.</summary>
    public const int MaximumItems = 200;

    /// <summary>Whether a batch with <paramref name="semantic"/> stops after an item that was (not) granted.</summary>
    public static bool StopsAfter(EvaluationsSemantic semantic, bool granted) => semantic switch
    {
        EvaluationsSemantic.DenyOnFirstDeny => !granted,
        EvaluationsSemantic.PermitOnFirstPermit => granted,
        _ => false,
    };

    /// <summary>An item's own value, else the batch's default (AuthZEN: an item's key replaces the top-level one whole).</summary>
    public static T? OrDefault<T>(T? own, T? batchDefault) where T : class => own ?? batchDefault;

    /// <summary>
    /// Evaluates <paramref name="items"/> in order until the semantic stops the batch, and answers each evaluated item in
    /// that order. A refusal of one item (<see cref="PimException"/>) is its answer; a failure of Pim itself is not
    /// an answer and propagates.
    /// </summary>
    public static async Task<IReadOnlyList<(TItem Item, BatchOutcome Outcome)>> RunAsync<TItem>(IReadOnlyList<TItem> items,
        EvaluationsSemantic semantic, Func<TItem, CancellationToken, ValueTask<AccessDecision>> evaluate, CancellationToken ct)
    {
        var answers = new List<(TItem, BatchOutcome)>(items.Count);
        foreach (var item in items)
        {
            BatchOutcome outcome;
            try { outcome = new BatchOutcome(await evaluate(item, ct), null); }
            catch (PimException refusal) when (refusal.Code is not (ErrorCodes.StoreUnavailable or ErrorCodes.InternalError))
            {
                outcome = new BatchOutcome(null, refusal);
            }
            answers.Add((item, outcome));
            if (StopsAfter(semantic, outcome.Granted)) break;
        }
        return answers;
    }

    /// <summary>
    /// Who may ask about whom is decided from the token and the request alone, before anything is evaluated: a batch
    /// that asks about a principal its caller may not evaluate (<see cref="AccessService.EnsureMayEvaluate"/>) is refused
    /// as a whole, with the refusal that question alone would have met (403, or 404 for a stranger to the tenant).
    /// </summary>
    public static void EnsureMayEvaluateAll(IEnumerable<(Caller Caller, string PrincipalId)> questions)
    {
        foreach (var (caller, principalId) in questions) AccessService.EnsureMayEvaluate(caller, principalId);
    }
}
