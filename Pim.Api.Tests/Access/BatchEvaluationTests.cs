using System.Net;
using System.Text.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Access;

[Collection(SqliteCollection.Name)]
public sealed class BatchEvaluationTests_Sqlite(SqliteApp app) : BatchEvaluationTests(app);

[Collection(PostgresCollection.Name)]
public sealed class BatchEvaluationTests_Postgres(PostgresApp app) : BatchEvaluationTests(app);

/// <summary>
/// The native batch, <c>POST …/access/evaluations</c>: items under <c>evaluations</c> with top-level defaults, answered in
/// order as EvaluationResponses, stopped by <c>options.evaluationsSemantic</c>; the authorization of the single evaluation.
/// </summary>
public abstract class BatchEvaluationTests(PimApp app)
{
    private static async Task<JsonElement[]> AnswersAsync(Task<HttpResponseMessage> call) =>
        (await call.ExpectAsync(HttpStatusCode.OK)).GetProperty("evaluations").EnumerateArray().ToArray();

    private static string[] Decisions(JsonElement[] answers) => answers.Select(a => a.Str("decision")).ToArray();

    [Fact]
    public async Task Items_take_the_defaults_they_leave_out_and_are_answered_in_order()
    {
        var s = await Scenario.OnboardAsync(app);
        var answers = await AnswersAsync(app.Evaluator().PostJsonAsync(s.Path("/access/evaluations"), new
        {
            principalId = "bob",
            roleId = "exchange-administrator",
            evaluations = new object[]
            {
                new { },
                new { roleId = "global-administrator" },
                new { principalId = "alice", roleId = "global-administrator", scope = "/" },
                new { principalId = "carol" },
            },
        }));

        Assert.Equal(["allow", "deny", "allow", "deny"], Decisions(answers));
        Assert.Equal([("bob", "exchange-administrator"), ("bob", "global-administrator"), ("alice", "global-administrator"), ("carol", "exchange-administrator")],
            answers.Select(a => (a.Str("principalId"), a.Str("roleId"))));
        Assert.All(answers, a => Assert.Equal("/", a.Str("scope")));
        Assert.Equal(s.BobExchangeAssignment, answers[0].Str("assignmentId"));
        Assert.Equal("not-eligible", answers[1].Str("reason"));
        Assert.Equal(JsonValueKind.Null, answers[1].GetProperty("error").ValueKind);
    }

    [Theory]
    [InlineData(null, new[] { "allow", "deny", "allow" })]
    [InlineData("executeAll", new[] { "allow", "deny", "allow" })]
    [InlineData("denyOnFirstDeny", new[] { "allow", "deny" })]
    [InlineData("permitOnFirstPermit", new[] { "allow" })]
    public async Task The_semantic_decides_where_the_batch_stops(string? semantic, string[] expected)
    {
        var s = await Scenario.OnboardAsync(app);
        var answers = await AnswersAsync(app.Evaluator().PostJsonAsync(s.Path("/access/evaluations"), new
        {
            roleId = "exchange-administrator",
            evaluations = new[] { new { principalId = "bob" }, new { principalId = "carol" }, new { principalId = "bob" } },
            options = new { evaluationsSemantic = semantic },
        }));
        Assert.Equal(expected, Decisions(answers));
    }

    [Fact]
    public async Task A_batch_holds_one_to_two_hundred_items()
    {
        var s = await Scenario.OnboardAsync(app);
        object Batch(int count) => new
        {
            roleId = "exchange-administrator",
            evaluations = Enumerable.Range(0, count).Select(i => new { principalId = i % 2 == 0 ? "bob" : "carol" }).ToArray(),
        };

        var answers = await AnswersAsync(app.Evaluator().PostJsonAsync(s.Path("/access/evaluations"), Batch(200)));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => i % 2 == 0 ? "allow" : "deny"), Decisions(answers));

        var tooMany = await app.Evaluator().PostJsonAsync(s.Path("/access/evaluations"), Batch(201)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(tooMany.GetProperty("errors").TryGetProperty("evaluations", out _));
        var none = await app.Evaluator().PostJsonAsync(s.Path("/access/evaluations"), Batch(0)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(none.GetProperty("errors").TryGetProperty("evaluations", out _));
    }

    [Fact]
    public async Task Every_item_must_name_a_principal_and_a_role_of_the_catalog()
    {
        var s = await Scenario.OnboardAsync(app);
        var missing = await app.Evaluator().PostJsonAsync(s.Path("/access/evaluations"), new
        {
            roleId = "exchange-administrator",
            evaluations = new object[] { new { principalId = "bob" }, new { } },
        }).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(["evaluations[1].principalId"], missing.GetProperty("errors").EnumerateObject().Select(e => e.Name));

        var unknown = await app.Evaluator().PostJsonAsync(s.Path("/access/evaluations"), new
        {
            evaluations = new[] { new { principalId = "bob", roleId = "no-such-role" } },
        }).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(unknown.GetProperty("errors").TryGetProperty("evaluations[0].roleId", out _));
        // The single evaluation refuses it alike (AccessService's own check: no validator runs before it on the hot path).
        var single = await app.Evaluator().PostJsonAsync(s.Path("/access/evaluation"), new { principalId = "bob", roleId = "no-such-role" })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(["roleId"], single.GetProperty("errors").EnumerateObject().Select(e => e.Name));

        await app.Evaluator().PostJsonAsync(s.Path("/access/evaluations"), new
        {
            evaluations = new[] { new { principalId = "bob", roleId = "exchange-administrator" } },
            options = new { evaluationsSemantic = "deny_on_first_deny" },
        }).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task A_principal_asks_about_itself_and_is_refused_a_batch_that_asks_about_another()
    {
        var s = await Scenario.OnboardAsync(app);
        var own = await AnswersAsync(s.Bob.PostJsonAsync(s.Path("/access/evaluations"), new
        {
            principalId = "bob",
            evaluations = new[] { new { roleId = "exchange-administrator" }, new { roleId = "global-administrator" } },
        }));
        Assert.Equal(["allow", "deny"], Decisions(own));

        // One question it may not ask refuses the batch, as it alone would be refused: nothing about Carol is told.
        await s.Bob.PostJsonAsync(s.Path("/access/evaluations"), new
        {
            roleId = "exchange-administrator",
            evaluations = new[] { new { principalId = "bob" }, new { principalId = "carol" } },
        }).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        // A service of another tenant is a stranger here: the tenant does not exist for it.
        var other = await Scenario.OnboardAsync(app, consent: false);
        await app.Client("gateway", other.Id, false, "pim.evaluate").PostJsonAsync(s.Path("/access/evaluations"), new
        {
            roleId = "exchange-administrator",
            evaluations = new[] { new { principalId = "bob" } },
        }).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task An_item_about_an_unknown_scope_answers_its_problem_and_the_others_are_answered()
    {
        var s = await Scenario.OnboardAsync(app);
        var answers = await AnswersAsync(app.Evaluator().PostJsonAsync(s.Path("/access/evaluations"), new
        {
            principalId = "bob",
            roleId = "exchange-administrator",
            evaluations = new object[] { new { scope = "/subscriptions/gone" }, new { } },
        }));

        Assert.Equal(["deny", "allow"], Decisions(answers));
        var error = answers[0].GetProperty("error");
        Assert.Equal((404, "not-found"), (error.GetProperty("status").GetInt32(), error.Str("code")));
        Assert.Contains("/subscriptions/gone", error.Str("detail"));
        Assert.Equal(JsonValueKind.Null, answers[0].GetProperty("reason").ValueKind);
        Assert.Equal("/subscriptions/gone", answers[0].Str("scope"));
    }
}
