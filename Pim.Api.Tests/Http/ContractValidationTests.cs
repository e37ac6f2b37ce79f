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

    /// <summary>
    /// The nullable references of openapi.yaml as OpenAPI 3.1 says them, beside the 3.0 encoding Stoplight Prism refused
    /// (34 violations over the README walkthrough): <c>nullable: true</c> beside a <c>oneOf</c> without <c>type</c>.
    /// </summary>
    private static readonly ContractDocument Nullables = new((System.Text.Json.Nodes.JsonObject)ContractDocument.Yaml.ToJson("""
        openapi: '3.1.1'
        paths:
          /x:
            get:
              operationId: Get
              responses:
                '200':
                  description: OK
                  content:
                    application/json:
                      schema:
                        type: object
                        additionalProperties: false
                        properties:
                          decision:
                            oneOf:
                              - $ref: '#/components/schemas/Decision'
                              - type: 'null'
                          endsAt:
                            type: ['null', string]
                            format: date-time
                          prism:
                            type: string
                            nullable: true
                            oneOf:
                              - $ref: '#/components/schemas/Decision'
        components:
          schemas:
            Decision:
              type: string
              enum: [approved, denied]
        """)!);

    private static IReadOnlyList<string> CheckNullables(string body) =>
        ContractValidation.Check(Nullables, "Get", "GET", 200, "application/json", Headers(), body);

    [Fact]
    public void A_null_passes_only_where_the_schema_says_null()
    {
        Assert.Empty(CheckNullables("""{"decision":null,"endsAt":null,"prism":"approved"}"""));
        Assert.Empty(CheckNullables("""{"decision":"denied","endsAt":"2026-01-01T00:00:00+00:00"}"""));
        Assert.Contains(CheckNullables("""{"prism":null}"""), v => v.Contains("/prism", StringComparison.Ordinal));
        Assert.Contains(CheckNullables("""{"decision":"maybe"}"""), v => v.Contains("/decision", StringComparison.Ordinal));
    }

    [Fact]
    public void A_value_that_breaks_its_format_is_a_violation() =>
        Assert.Contains(CheckNullables("""{"endsAt":"tomorrow"}"""), v => v.Contains("/endsAt", StringComparison.Ordinal));

    [Fact]
    public void The_contract_is_OpenAPI_3_1() =>
        Assert.StartsWith("3.1.", ContractValidation.Contract.Value.Root["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
}
