using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pim.Api.Tests.Scim;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Http;

[Collection(SqliteCollection.Name)]
public sealed class WireParameterTests_Sqlite(SqliteApp app) : WireParameterTests(app);

[Collection(PostgresCollection.Name)]
public sealed class WireParameterTests_Postgres(PostgresApp app) : WireParameterTests(app);

/// <summary>
/// Path and header values are held to what the handler's parameter declares (its type, or [Wire&lt;…&gt;] on it), as a
/// body's fields are: a value the route lets through but the declaration does not is 400 validation-failed naming the
/// parameter, before the handler runs — and in SCIM's error format on SCIM's endpoints.
/// </summary>
public abstract class WireParameterTests(PimApp app)
{
    [Fact]
    public async Task A_path_value_the_route_lets_through_but_its_declaration_does_not_is_refused_naming_it()
    {
        var s = await Scenario.OnboardAsync(app);
        // A management group's id is one segment of a scope path (at most 90 characters); the route's :id takes 128.
        var longId = new string('m', 91);
        var problem = await s.Operator.PutJsonAsync(s.Path($"/management-groups/{longId}"), new { displayName = "Too long" })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains("at most 90 characters", Errors(problem, "managementGroupId"));
        problem = await s.Alice.GetAsync(s.Path($"/subscriptions/sub-1/resource-groups/{new string('r', 91)}"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains("at most 90 characters", Errors(problem, "resourceGroupName"));
        // An alert type is a word of a closed vocabulary.
        problem = await s.Alice.GetAsync(s.Path("/alert-settings/no-such-alert")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains("must be one of", Errors(problem, "alertType"));
    }

    [Fact]
    public async Task An_if_match_that_is_no_etag_is_refused_naming_the_header()
    {
        var s = await Scenario.OnboardAsync(app);
        using var read = await s.Alice.GetAsync(s.Path("/roles/exchange-administrator/settings"));
        var document = await read.ExpectAsync(HttpStatusCode.OK);
        using var put = new HttpRequestMessage(HttpMethod.Put, s.Path("/roles/exchange-administrator/settings"))
        {
            Content = JsonContent.Create(document, options: HttpAssertions.Json),
        };
        put.Headers.TryAddWithoutValidation("If-Match", "\"1\"; DROP TABLE");
        var problem = await s.Alice.SendAsync(put).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains("an ETag this API gave out", Errors(problem, "If-Match"));
    }

    [Fact]
    public async Task On_SCIM_a_parameter_out_of_its_declaration_is_a_SCIM_error_naming_it()
    {
        var s = await Scenario.OnboardAsync(app);
        var scim = ScimTests.Provisioning(s);
        var error = await ScimTests.ExpectErrorAsync(ScimTests.SendAsync(scim, HttpMethod.Delete, "/scim/v2/Users/carol", ifMatch: "version-3"),
            HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains("If-Match", error.GetProperty("detail").GetString());
        error = await ScimTests.ExpectErrorAsync(ScimTests.SendAsync(scim, HttpMethod.Get, "/scim/v2/Schemas/not-a-urn"), HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains("schemaId", error.GetProperty("detail").GetString());
    }

    private static string Errors(JsonElement problem, string field)
    {
        var messages = problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out var named) ? named : default;
        Assert.True(messages.ValueKind == JsonValueKind.Array, $"The problem names no '{field}': {problem}");
        return string.Join(" ", messages.EnumerateArray().Select(m => m.GetString()));
    }
}
