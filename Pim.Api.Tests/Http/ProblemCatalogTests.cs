using System.Reflection;
using Pim.Api.Http;
using Pim.Domain;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Http;

/// <summary>Every problem code is in one catalog, which the contract enumerates and the README's table repeats.</summary>
public sealed class ProblemCatalogTests
{
    private const string Start = "<!-- problem-codes: generated from Pim.Api/Http/Problems.cs (Problems.Catalog); ProblemCatalogTests keeps it true -->";
    private const string End = "<!-- /problem-codes -->";

    public static string Table() =>
        string.Join("\n", ["| Code | Status | Meaning |", "|---|---|---|", .. Problems.Catalog.Select(k => $"| `{k.Code}` | {k.Status} | {k.Meaning} |")]);

    [Fact]
    public void Every_code_Pim_can_answer_is_in_the_catalog_once()
    {
        static IEnumerable<string> Constants(Type type) => type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string)).Select(f => (string)f.GetValue(null)!);
        var codes = Constants(typeof(ErrorCodes)).Concat(Constants(typeof(Problems))).ToHashSet();
        Assert.Equal(codes.Order(), Problems.Catalog.Select(k => k.Code).Order());
        Assert.Equal(Problems.Catalog.Count, Problems.Catalog.Select(k => k.Code).Distinct().Count());
    }

    [Fact]
    public void The_contract_enumerates_the_catalog()
    {
        var schema = ContractValidation.Document.Value.Components.Schemas["ProblemCode"];
        Assert.Equal(Problems.Catalog.Select(k => k.Code).Order(), schema.Enumeration.Select(v => v!.ToString()!).Order());
    }

    [Fact]
    public void The_README_table_is_the_catalog()
    {
        var readme = File.ReadAllText(Path.Combine(ContractTests.RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf(Start, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"README.md has no problem-codes table between the markers:\n{Start}\n{End}");
        var table = readme[(start + Start.Length)..end].Trim();
        Assert.True(table == Table(), $"README.md's table of problem codes differs from Problems.Catalog; it should read:\n\n{Table()}\n");
    }
}
