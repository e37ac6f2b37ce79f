using System.Text.Json.Nodes;
using Pim.Api.Features.Scim;
using Pim.Domain;

namespace Pim.Api.Tests.Scim;

/// <summary>
/// SCIM filters as provisioning clients write them, read into what the store evaluates; and what no parser should ever do
/// with a hostile filter: answer anything but invalid-filter.
/// </summary>
public sealed class ScimFilterTests
{
    private static DirectoryFilter Users(string filter) => ScimFilter.ForUsers(ScimFilter.Parse(filter));

    [Fact]
    public void The_filters_Entra_ID_and_Okta_send_are_read()
    {
        Assert.Equal(new DirectoryFilter.Compare(DirectoryAttribute.UserName, FilterOperator.Equal, "Test_User@contoso.com"),
            Users("userName eq \"Test_User@contoso.com\""));
        Assert.Equal(new DirectoryFilter.Compare(DirectoryAttribute.ExternalId, FilterOperator.Equal, "00ujl29u0le5T6Aj10h7"),
            Users("externalId eq \"00ujl29u0le5T6Aj10h7\""));
        Assert.Equal(new DirectoryFilter.Compare(DirectoryAttribute.DisplayName, FilterOperator.Equal, "Sales"),
            ScimFilter.ForGroups(ScimFilter.Parse("displayName eq \"Sales\"")));
        // Keywords and operators in any case; the core schema's URN before an attribute.
        Assert.Equal(new DirectoryFilter.Compare(DirectoryAttribute.UserName, FilterOperator.StartsWith, "a"),
            Users("urn:ietf:params:scim:schemas:core:2.0:User:userName SW \"a\""));
        Assert.Equal(new DirectoryFilter.Compare(DirectoryAttribute.Email, FilterOperator.Equal, "x@y"), Users("emails[value eq \"x@y\"]"));
        Assert.Equal(new DirectoryFilter.Compare(DirectoryAttribute.Email, FilterOperator.Contains, "@contoso"), Users("emails.value co \"@contoso\""));
        Assert.Equal(new DirectoryFilter.Compare(DirectoryAttribute.Member, FilterOperator.Equal, "u1"),
            ScimFilter.ForGroups(ScimFilter.Parse("members[value eq \"u1\"]")));
    }

    [Fact]
    public void And_binds_tighter_than_or_and_not_negates_a_group()
    {
        var filter = Users("userName sw \"a\" or active eq false and displayName co \"x\"");
        Assert.Equal(new DirectoryFilter.Or(
            new DirectoryFilter.Compare(DirectoryAttribute.UserName, FilterOperator.StartsWith, "a"),
            new DirectoryFilter.And(new DirectoryFilter.Compare(DirectoryAttribute.Active, FilterOperator.Equal, Flag: false),
                new DirectoryFilter.Compare(DirectoryAttribute.DisplayName, FilterOperator.Contains, "x"))), filter);
        Assert.Equal(new DirectoryFilter.Not(new DirectoryFilter.Or(
                new DirectoryFilter.Compare(DirectoryAttribute.UserName, FilterOperator.EndsWith, ".com"),
                new DirectoryFilter.Compare(DirectoryAttribute.ExternalId, FilterOperator.Present))),
            Users("not (userName ew \".com\" or externalId pr)"));
        // JSON escapes in strings.
        Assert.Equal(new DirectoryFilter.Compare(DirectoryAttribute.DisplayName, FilterOperator.Equal, "say \"hi\"\\"),
            Users("displayName eq \"say \\\"hi\\\"\\\\\""));
    }

    public static TheoryData<string> Unreadable() =>
    [
        "", "userName", "userName eq", "userName eq \"x", "userName xx \"x\"", "userName eq x", "(userName eq \"x\"", "userName eq \"x\")",
        "userName eq \"x\" and", "not userName eq \"x\"", "emails[value eq \"x\"", "emails[type eq \"work\"]", "title eq \"x\"",
        "userName gt \"a\"", "active co \"t\"", "active eq \"true\"", "userName eq 1", "userName eq null", "password eq \"x\"",
        "userName eq \"\\u00\"", "1 eq \"x\"", "userName eq \"x\" or", "\"x\" eq userName", "userName eq \"x\" userName eq \"y\"",
        "members eq \"x\"", "meta.lastModified gt \"2011-05-13T04:42:34Z\"", "[", "]", "()", "not ()",
        string.Join(" and ", Enumerable.Repeat("userName eq \"x\"", DirectoryFilter.MaximumComparisons + 1)),
        new string('(', ScimFilter.MaximumNesting + 2) + "userName eq \"x\"" + new string(')', ScimFilter.MaximumNesting + 2),
        "userName eq \"" + new string('a', ScimFilter.MaximumLength) + "\"",
    ];

    [Theory]
    [MemberData(nameof(Unreadable))]
    public void A_filter_Pim_cannot_read_or_answer_is_invalid_filter(string filter)
    {
        var refused = Assert.Throws<PimException>(() => Users(filter));
        Assert.Equal(ErrorCodes.InvalidFilter, refused.Code);
        Assert.False(string.IsNullOrWhiteSpace(refused.Message));
    }

    [Fact]
    public void Random_filters_never_fail_otherwise_than_invalid_filter()
    {
        var random = new Random(14);
        string[] pieces = ["userName", "emails", "[", "]", "(", ")", "\"", "\\", "eq", "and", "or", "not", "pr", " ", "\"x\"", "true", ".", "value", ":", "urn"];
        for (var i = 0; i < 5_000; i++)
        {
            var filter = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)] + (random.Next(2) == 0 ? " " : "")));
            try { Users(filter); }
            catch (PimException e) when (e.Code == ErrorCodes.InvalidFilter) { }
        }
    }

    [Fact]
    public void A_value_filter_matches_values_as_SCIM_compares_them()
    {
        var work = JsonNode.Parse("""{"value":"Ann@Contoso.com","type":"work","primary":true}""");
        bool Matches(string filter) => ScimFilter.Matches(ScimFilter.Parse(filter), work, _ => false);
        Assert.True(Matches("type eq \"WORK\""));
        Assert.True(Matches("type eq \"work\" and primary eq true"));
        Assert.False(Matches("type eq \"home\" or primary eq false"));
        Assert.True(Matches("value ew \"@contoso.com\""));
        Assert.True(Matches("not (type eq \"home\")"));
        Assert.False(Matches("display pr"));
        Assert.False(ScimFilter.Matches(ScimFilter.Parse("value eq \"ann@contoso.com\""), work, _ => true)); // case-exact
    }
}
