using Pim.Domain;

namespace Pim.Api.Tests.Access;

/// <summary>The rules of a batch of evaluations (AuthZEN's evaluations semantics), without a store.</summary>
[Trait("Store", "none")]
public sealed class BatchEvaluationRuleTests
{
    private static readonly AccessDecision Allow = new(true, new Grant("r", "/", null, "a1", null, "p"), null);
    private static readonly AccessDecision Deny = new(false, null, DenyReasons.NotEligible);

    [Theory]
    [InlineData(EvaluationsSemantic.ExecuteAll, true, false)]
    [InlineData(EvaluationsSemantic.ExecuteAll, false, false)]
    [InlineData(EvaluationsSemantic.DenyOnFirstDeny, true, false)]
    [InlineData(EvaluationsSemantic.DenyOnFirstDeny, false, true)]
    [InlineData(EvaluationsSemantic.PermitOnFirstPermit, true, true)]
    [InlineData(EvaluationsSemantic.PermitOnFirstPermit, false, false)]
    public void A_batch_stops_after_the_outcome_its_semantic_names(EvaluationsSemantic semantic, bool granted, bool stops) =>
        Assert.Equal(stops, BatchEvaluation.StopsAfter(semantic, granted));

    /// <summary>AuthZEN's example: documents 1 and 3 readable, 2 not — all three, up to the deny, or only the first permit.</summary>
    [Theory]
    [InlineData(EvaluationsSemantic.ExecuteAll, new[] { true, false, true })]
    [InlineData(EvaluationsSemantic.DenyOnFirstDeny, new[] { true, false })]
    [InlineData(EvaluationsSemantic.PermitOnFirstPermit, new[] { true })]
    public async Task Items_are_answered_in_order_up_to_where_the_semantic_stops(EvaluationsSemantic semantic, bool[] expected)
    {
        var evaluated = new List<int>();
        var answers = await BatchEvaluation.RunAsync([1, 2, 3], semantic, (item, _) =>
        {
            evaluated.Add(item);
            return ValueTask.FromResult(item == 2 ? Deny : Allow);
        }, CancellationToken.None);

        Assert.Equal(expected, answers.Select(a => a.Outcome.Granted));
        Assert.Equal(Enumerable.Range(1, expected.Length), answers.Select(a => a.Item));
        Assert.Equal(Enumerable.Range(1, expected.Length), evaluated); // nothing past the stop is evaluated
    }

    [Fact]
    public async Task A_refused_item_is_its_own_deny_and_the_others_are_answered()
    {
        var answers = await BatchEvaluation.RunAsync(["/", "/subscriptions/gone", "/"], EvaluationsSemantic.ExecuteAll,
            (scope, _) => scope == "/" ? ValueTask.FromResult(Allow) : throw Errors.NotFound($"Scope '{scope}'"), CancellationToken.None);

        Assert.Equal([true, false, true], answers.Select(a => a.Outcome.Granted));
        Assert.Equal(ErrorCodes.NotFound, answers[1].Outcome.Error?.Code);
        Assert.Null(answers[1].Outcome.Decision);
    }

    [Fact]
    public async Task A_refusal_stops_a_batch_that_stops_on_the_first_deny()
    {
        var answers = await BatchEvaluation.RunAsync([1, 2, 3], EvaluationsSemantic.DenyOnFirstDeny,
            (item, _) => item == 2 ? throw Errors.NotFound("Tenant 't'") : ValueTask.FromResult(Allow), CancellationToken.None);
        Assert.Equal([1, 2], answers.Select(a => a.Item));
    }

    [Fact]
    public async Task A_failure_of_Pim_itself_is_not_an_answer()
    {
        await Assert.ThrowsAsync<PimException>(() => BatchEvaluation.RunAsync([1], EvaluationsSemantic.ExecuteAll,
            (_, _) => throw new PimException(ErrorCodes.StoreUnavailable, "down"), CancellationToken.None));
        await Assert.ThrowsAsync<TimeoutException>(() => BatchEvaluation.RunAsync([1], EvaluationsSemantic.ExecuteAll,
            (_, _) => throw new TimeoutException(), CancellationToken.None));
    }

    [Fact]
    public void An_item_replaces_the_default_whole()
    {
        Assert.Equal("own", BatchEvaluation.OrDefault("own", "default"));
        Assert.Equal("default", BatchEvaluation.OrDefault(null, "default"));
        Assert.Null(BatchEvaluation.OrDefault<string>(null, null));
    }

    [Fact]
    public void A_batch_about_a_principal_the_caller_may_not_ask_about_is_refused_as_that_question_would_be()
    {
        var bob = new Caller("contoso", "bob", new TokenFacts("bob", "contoso", new HashSet<string>(), true, null), RequestOrigin.None);
        BatchEvaluation.EnsureMayEvaluateAll([(bob, "bob"), (bob, "bob")]);
        Assert.Equal(ErrorCodes.Forbidden, Assert.Throws<PimException>(() => BatchEvaluation.EnsureMayEvaluateAll([(bob, "bob"), (bob, "carol")])).Code);

        var stranger = new Caller("contoso", null, new TokenFacts("gateway", "fabrikam", new HashSet<string> { TokenFacts.EvaluateScope }, false, null),
            RequestOrigin.None);
        Assert.Equal(ErrorCodes.NotFound, Assert.Throws<PimException>(() => BatchEvaluation.EnsureMayEvaluateAll([(stranger, "bob")])).Code);
    }
}
