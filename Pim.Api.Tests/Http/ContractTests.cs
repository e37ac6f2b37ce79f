using System.Net;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Http;

/// <summary>
/// openapi.yaml at the repository root is the contract SDKs are generated from: it must be the document Pim serves.
/// After an intended API change, regenerate it with scripts/update-openapi.sh (this test only compares).
/// </summary>
[Collection(SqliteCollection.Name)]
public sealed class ContractTests(SqliteApp app)
{
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pim.sln"))) return dir.FullName;
        throw new InvalidOperationException("Pim.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task Served_document_is_the_committed_contract()
    {
        using var response = await app.Anonymous().GetAsync("/swagger/v1/swagger.yaml");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var served = (await response.Content.ReadAsStringAsync()).ReplaceLineEndings("\n");
        var path = Path.Combine(RepositoryRoot(), "openapi.yaml");
        Assert.True(File.Exists(path), "openapi.yaml is missing: regenerate it with scripts/update-openapi.sh.");
        var committed = (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n");
        Assert.True(committed == served,
            "openapi.yaml differs from the served document. If the API change is intended, regenerate it with scripts/update-openapi.sh.");
    }

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_and_problem_responses()
    {
        var document = await app.Anonymous().GetStringAsync("/swagger/v1/swagger.json");
        using var json = System.Text.Json.JsonDocument.Parse(document);
        var operations = json.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (path.Name, Method: op.Name, Op: op.Value))).ToList();
        Assert.True(operations.Count >= 30, $"only {operations.Count} operations");
        foreach (var (path, method, op) in operations)
        {
            Assert.True(op.TryGetProperty("operationId", out _), $"{method} {path} has no operationId");
            Assert.True(op.TryGetProperty("summary", out _), $"{method} {path} has no summary");
            if (!path.StartsWith("/v1/")) continue;
            Assert.True(op.GetProperty("responses").TryGetProperty("401", out _), $"{method} {path} does not document 401");
            Assert.True(op.TryGetProperty("security", out _), $"{method} {path} does not name the bearer scheme");
        }
        Assert.Equal("bearer", json.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task Health_answers_live_and_ready()
    {
        Assert.Equal("Healthy", await app.Anonymous().GetStringAsync("/health/live"));
        Assert.Equal("Healthy", await app.Anonymous().GetStringAsync("/health/ready"));
    }
}
