using Microsoft.AspNetCore.Http;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Http;

/// <summary>The response validator that every HTTP test runs behind catches each kind of break of openapi.yaml.</summary>
public sealed class ContractValidationTests
{
    private const string Settings = """
        {"roleId":"exchange-administrator","scope":"/","inheritedFrom":"/",
         "activation":{"maximumDuration":"PT8H","requireMfa":true,"mfaMaxAge":null,"requireJustification":true,"requireTicket":false,
                       "requireApproval":false,"approvers":[],"approvalTimeout":"P1D","allowGuests":false},
         "assignment":{"allowPermanentEligible":true,"maximumEligibleDuration":"P365D","allowPermanentActive":true,"maximumActiveDuration":"P180D"},
         "notifications":{"onActivation":{"notifyRoleAdministrators":true,"additionalRecipients":[]},"onApprovalNeeded":{"notifyApprovers":true},
                          "onDecision":{"notifyRequester":true},"onAssignment":{"notifyAssignee":true}}}
        """;

    private static HeaderDictionary Headers(params (string Name, string Value)[] headers) =>
        new(headers.ToDictionary(h => h.Name, h => new Microsoft.Extensions.Primitives.StringValues(h.Value)));

    [Fact]
    public void A_valid_answer_passes() =>
        Assert.Empty(ContractValidation.Check("GetRoleSettings", "GET", 200, "application/json; charset=utf-8", Headers(("ETag", "\"1\"")), Settings));

    [Fact]
    public void An_undeclared_status_is_a_violation() =>
        Assert.Contains(ContractValidation.Check("GetRoleSettings", "GET", 204, null, Headers(), ""), v => v.Contains("status 204 is not declared"));

    [Fact]
    public void A_missing_required_header_is_a_violation() =>
        Assert.Contains(ContractValidation.Check("GetRoleSettings", "GET", 200, "application/json", Headers(), Settings), v => v.Contains("required header ETag"));

    [Fact]
    public void An_undeclared_header_is_a_violation() =>
        Assert.Contains(ContractValidation.Check("ListRoles", "GET", 200, "application/json", Headers(("Location", "/x")), """{"items":[]}"""),
            v => v.Contains("header Location is sent but not declared"));

    [Fact]
    public void An_undeclared_media_type_is_a_violation() =>
        Assert.Contains(ContractValidation.Check("GetRoleSettings", "GET", 200, "text/plain", Headers(("ETag", "\"1\"")), "hello"),
            v => v.Contains("media type text/plain is not declared"));

    [Fact]
    public void A_body_that_breaks_the_schema_is_a_violation()
    {
        Assert.NotEmpty(ContractValidation.Check("GetRoleSettings", "GET", 200, "application/json", Headers(("ETag", "\"1\"")),
            Settings.Replace("\"requireMfa\":true", "\"requireMfa\":null", StringComparison.Ordinal)));
        Assert.NotEmpty(ContractValidation.Check("GetRoleSettings", "GET", 200, "application/json", Headers(("ETag", "\"1\"")),
            Settings.Replace("\"roleId\":\"exchange-administrator\",", "", StringComparison.Ordinal)));
        Assert.NotEmpty(ContractValidation.Check("GetRoleSettings", "GET", 200, "application/json", Headers(("ETag", "\"1\"")),
            Settings.Replace("\"scope\":\"/\",", "\"scope\":\"/\",\"surprise\":1,", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_problem_without_its_code_is_a_violation() =>
        Assert.NotEmpty(ContractValidation.Check("GetRoleSettings", "GET", 404, "application/problem+json", Headers(),
            """{"type":"https://pim.dev/problems/not-found","title":"Not found","status":404,"traceId":"abc"}"""));

    [Fact]
    public void A_header_that_breaks_its_schema_is_a_violation() =>
        Assert.Contains(ContractValidation.Check("GetRoleSettings", "GET", 200, "application/json", Headers(("ETag", "v1")), Settings),
            v => v.Contains("header ETag 'v1' breaks its schema"));
}
