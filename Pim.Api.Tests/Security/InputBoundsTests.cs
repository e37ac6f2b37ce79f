using System.Net;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Security;

/// <summary>
/// Every duration and instant a client sends is bounded at parse (durations at most P36500D, instants from 1970 and
/// before 2200), so no arithmetic on them can overflow: extreme values answer 400 on every field that takes one, never 500.
/// </summary>
[Collection(SqliteCollection.Second)]
public sealed class InputBoundsTests(SqliteApp app)
{
    public static readonly string[] Durations = ["P10000000D", "PT99999999999999H", "P99999999Y", "P36501D", "-PT1H", "PT0S", "P", "PT1H ", "1H"];
    public static readonly string[] Instants = ["0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2200-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59.9999999-14:00", "0001-01-01T00:00:00+14:00"];

    public static TheoryData<string, string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string, string>();
        string settings(string field, string value) =>
            System.Text.Json.JsonSerializer.Serialize(ScenarioSettings.Document(), HttpAssertions.Json).Replace(
                field == "mfaMaxAge" ? "\"mfaMaxAge\":null" : $"\"{field}\":\"{Default(field)}\"", $"\"{field}\":\"{value}\"");
        foreach (var d in Durations)
        {
            data.Add("POST", "/activation-requests", $$"""{"roleId":"exchange-administrator","duration":"{{d}}","justification":"x"}""", "duration");
            data.Add("POST", "/activation-requests/batch", $$"""{"all":true,"duration":"{{d}}","justification":"x"}""", "duration");
            data.Add("POST", "/activation-requests/00000000-0000-0000-0000-000000000000/extend", $$"""{"duration":"{{d}}"}""", "duration");
            foreach (var field in new[] { "maximumDuration", "mfaMaxAge", "approvalTimeout" })
                data.Add("PUT", "/roles/exchange-administrator/settings", settings(field, d), "activation." + field);
            foreach (var field in new[] { "maximumEligibleDuration", "maximumActiveDuration" })
                data.Add("PUT", "/roles/exchange-administrator/settings", settings(field, d), "assignment." + field);
        }
        foreach (var t in Instants)
        {
            data.Add("POST", "/activation-requests", $$"""{"roleId":"exchange-administrator","startsAt":"{{t}}","justification":"x"}""", "startsAt");
            data.Add("POST", "/role-assignments", $$"""{"principalId":"carol","roleId":"user-administrator","type":"eligible","startsAt":"{{t}}"}""", "startsAt");
            data.Add("POST", "/role-assignments", $$"""{"principalId":"carol","roleId":"user-administrator","type":"eligible","endsAt":"{{t}}"}""", "endsAt");
            data.Add("GET", $"/audit-events?from={Uri.EscapeDataString(t)}", "", "from");
            data.Add("GET", $"/audit-events?to={Uri.EscapeDataString(t)}", "", "to");
        }
        return data;
    }

    private static string Default(string field) => field switch
    {
        "maximumDuration" => "PT1H",
        "approvalTimeout" => "P1D",
        "maximumEligibleDuration" => "P365D",
        _ => "P180D",
    };

    /// <summary>400 validation-failed naming the field; or, for a value the wire cannot even carry (an instant outside what
    /// a DateTimeOffset holds), 400 malformed-request.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task An_extreme_value_is_a_400_naming_the_field(string method, string path, string body, string field)
    {
        var s = await Scenario.OnboardAsync(app);
        using var request = new HttpRequestMessage(new HttpMethod(method), s.Path(path));
        if (body.Length > 0) request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        request.Headers.TryAddWithoutValidation("If-Match", "\"0\"");
        using var response = await s.Alice.SendAsync(request);
        var problem = await response.ExpectAsync(HttpStatusCode.BadRequest);
        if (problem.Str("code") == "malformed-request") return;
        Assert.Equal("validation-failed", problem.Str("code"));
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task The_development_issuer_bounds_authTime_too()
    {
        foreach (var t in Instants)
        {
            var problem = await app.Anonymous().PostAsync("/dev/token",
                new StringContent($$"""{"subject":"bob","authTime":"{{t}}"}""", System.Text.Encoding.UTF8, "application/json")).ExpectAsync(HttpStatusCode.BadRequest);
            Assert.Contains(problem.Str("code"), new[] { "validation-failed", "malformed-request" });
        }
    }

    [Fact]
    public async Task Page_sizes_out_of_range_are_400()
    {
        var s = await Scenario.OnboardAsync(app);
        foreach (var size in new[] { "0", "-1", "201", "2147483648", "99999999999999999999" })
            await s.Alice.GetAsync(s.Path($"/role-assignments?pageSize={size}")).ExpectProblemAsync(HttpStatusCode.BadRequest, size.Length > 9 ? "malformed-request" : "validation-failed");
    }
}
