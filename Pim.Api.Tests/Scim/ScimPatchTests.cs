using System.Text.Json;
using System.Text.Json.Nodes;
using Pim.Api.Features.Scim;
using Pim.Domain;

namespace Pim.Api.Tests.Scim;

/// <summary>SCIM PATCH operations as Entra ID and Okta send them, applied to a user's or a group's document.</summary>
public sealed class ScimPatchTests
{
    private static JsonObject Ann() => JsonNode.Parse("""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"ann","userName":"ann@contoso.com","active":true,
         "name":{"givenName":"Ann","familyName":"Smith"},"emails":[{"value":"ann@contoso.com","type":"work","primary":true}]}
        """)!.AsObject();

    private static MemberChange Patch(JsonObject document, string operations, ScimSchema? schema = null) =>
        ScimPatch.Apply(document, JsonSerializer.Deserialize<List<ScimPatchOperation>>(operations, ScimJson.Options)!, schema ?? ScimSchemas.User,
            schema is null ? ScimSchemas.EnterpriseUser : null);

    private static ScimUser Read(JsonObject document) => ScimJson.Read<ScimUser>(document);

    [Fact]
    public void Entra_ID_deactivates_with_a_string_and_changes_attributes_by_path()
    {
        var ann = Ann();
        Patch(ann, """
            [{"op":"Replace","path":"active","value":"False"},
             {"op":"Replace","path":"name.familyName","value":"Jones"},
             {"op":"Add","path":"title","value":"Engineer"},
             {"op":"Replace","path":"emails[type eq \"work\"].value","value":"ann.jones@contoso.com"},
             {"op":"Add","path":"phoneNumbers[type eq \"mobile\"].value","value":"+1 555 0100"},
             {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Sales"},
             {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"bob"}]
            """);
        var user = Read(ann);
        Assert.False(user.Active);
        Assert.Equal(("Ann", "Jones", "Engineer"), (user.Name!.GivenName, user.Name.FamilyName, user.Title));
        var email = Assert.Single(user.Emails!);
        Assert.Equal(("ann.jones@contoso.com", "work", true), (email.Value, email.Type, email.Primary));
        Assert.Equal(("+1 555 0100", "mobile"), (user.PhoneNumbers![0].Value, user.PhoneNumbers[0].Type));
        Assert.Equal(("Sales", "bob"), (user.EnterpriseUser!.Department, user.EnterpriseUser.Manager!.Value));
    }

    [Fact]
    public void Okta_replaces_several_attributes_without_a_path()
    {
        var ann = Ann();
        Patch(ann, """
            [{"op":"replace","value":{"id":"ann","active":false,"displayName":"Ann S.","name.givenName":"Annie",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"42"}}}]
            """);
        var user = Read(ann);
        Assert.Equal((false, "Ann S.", "Annie", "Smith", "42"),
            (user.Active, user.DisplayName, user.Name!.GivenName, user.Name.FamilyName, user.EnterpriseUser!.EmployeeNumber));
    }

    [Fact]
    public void Multi_valued_attributes_are_added_to_removed_by_filter_and_keep_one_primary()
    {
        var ann = Ann();
        Patch(ann, """
            [{"op":"add","path":"emails","value":[{"value":"ann@home.example","type":"home","primary":true},{"value":"ANN@contoso.com","type":"work"}]}]
            """);
        var emails = Read(ann).Emails!;
        Assert.Equal(2, emails.Count); // the same address in another case is the same value
        Assert.Equal("ann@home.example", Assert.Single(emails, e => e.Primary == true).Value);
        Patch(ann, """[{"op":"remove","path":"emails[type eq \"home\"]"}]""");
        Assert.Equal("ann@contoso.com", Assert.Single(Read(ann).Emails!).Value);
        Patch(ann, """[{"op":"remove","path":"emails[type eq \"other\"]"}]"""); // nothing there: nothing changes
        Patch(ann, """[{"op":"remove","path":"emails"}]""");
        Assert.Null(Read(ann).Emails);
    }

    [Fact]
    public void Group_members_are_collected_as_a_member_change()
    {
        JsonObject Group() => JsonNode.Parse("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g","displayName":"G"}""")!.AsObject();
        Assert.Equal(["u1", "u2"], Patch(Group(), """[{"op":"Add","path":"members","value":[{"value":"u1"},{"value":"u2"}]}]""", ScimSchemas.Group).Add.Order());
        var removed = Patch(Group(), """[{"op":"remove","path":"members[value eq \"u1\" or value eq \"u3\"]"}]""", ScimSchemas.Group);
        Assert.Equal((false, 0), (removed.Replace, removed.Add.Count));
        Assert.Equal(["u1", "u3"], removed.Remove.Order());
        // Entra ID removes with a list of values; a later add of the same member wins.
        var entra = Patch(Group(), """
            [{"op":"Remove","path":"members","value":[{"value":"u1"}]},{"op":"Add","path":"members","value":[{"value":"u1"},{"value":"u2"}]}]
            """, ScimSchemas.Group);
        Assert.Equal(["u1", "u2"], entra.Add.Order());
        Assert.Empty(entra.Remove);
        var replaced = Patch(Group(), """[{"op":"replace","path":"members","value":[{"value":"u9"}]}]""", ScimSchemas.Group);
        Assert.Equal((true, "u9"), (replaced.Replace, Assert.Single(replaced.Add)));
        Assert.True(Patch(Group(), """[{"op":"remove","path":"members"}]""", ScimSchemas.Group) is { Replace: true, Add.Count: 0 });
        var renamed = Group();
        Assert.True(Patch(renamed, """[{"op":"replace","value":{"id":"g","displayName":"Renamed"}}]""", ScimSchemas.Group).IsEmpty);
        Assert.Equal("Renamed", renamed["displayName"]!.GetValue<string>());
    }

    public static TheoryData<string, string> Refused() => new()
    {
        { """[{"op":"move","path":"title","value":"x"}]""", ErrorCodes.MalformedRequest },
        { """[{"op":"replace","path":"nickname.x","value":"x"}]""", ErrorCodes.InvalidPath },
        { """[{"op":"replace","path":"shoeSize","value":"x"}]""", ErrorCodes.InvalidPath },
        { """[{"op":"replace","path":"emails[type eq \"work\"","value":"x"}]""", ErrorCodes.InvalidPath },
        { """[{"op":"replace","path":"emails[type eq]","value":"x"}]""", ErrorCodes.InvalidFilter },
        { """[{"op":"replace","path":"urn:example:other:title","value":"x"}]""", ErrorCodes.InvalidPath },
        { """[{"op":"replace","path":"emails.value","value":"x"}]""", ErrorCodes.InvalidPath },
        { """[{"op":"replace","path":"emails[type eq \"home\"]","value":{"value":"x"}}]""", ErrorCodes.NoTarget },
        { """[{"op":"remove"}]""", ErrorCodes.NoTarget },
        { """[{"op":"add","value":"x"}]""", ErrorCodes.ValidationFailed },
        { """[{"op":"add","path":"title"}]""", ErrorCodes.ValidationFailed },
        { """[{"op":"replace","path":"id","value":"someone-else"}]""", ErrorCodes.ReadOnlyField },
        { """[{"op":"add","path":"groups","value":[{"value":"admins"}]}]""", ErrorCodes.ReadOnlyField },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void An_operation_Pim_cannot_apply_is_refused_with_its_SCIM_error(string operations, string code)
    {
        var refused = Assert.Throws<PimException>(() => Patch(Ann(), operations));
        Assert.Equal(code, refused.Code);
    }
}
