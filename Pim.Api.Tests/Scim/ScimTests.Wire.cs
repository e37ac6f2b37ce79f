using System.Net;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Scim;

// What SCIM writes into Pim's model is held to the native API's wire types, in SCIM's error format.
public abstract partial class ScimTests
{
    [Fact]
    public async Task A_users_email_is_held_to_an_email_addresses_bound_as_in_the_native_API()
    {
        var s = await Scenario.OnboardAsync(app);
        var scim = Provisioning(s);
        var tooLong = new string('a', 310) + "@example.com"; // 322 characters: an email address has at most 320
        var error = await ExpectErrorAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users",
            $$"""{"schemas":["{{UserUrn}}"],"userName":"long@corp.example","emails":[{"value":"{{tooLong}}","primary":true}]}"""),
            HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains("emails[0].value: 'emails[0].value' must be at most 320 characters", error.GetProperty("detail").GetString());

        // A PATCH that would write one is refused alike, and nothing is kept.
        var created = await ExpectAsync(SendAsync(scim, HttpMethod.Post, "/scim/v2/Users",
            $$"""{"schemas":["{{UserUrn}}"],"userName":"dana@corp.example","emails":[{"value":"dana@corp.example","primary":true}]}"""),
            HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString();
        error = await ExpectErrorAsync(SendAsync(scim, HttpMethod.Patch, $"/scim/v2/Users/{id}",
            Patch($$"""{"op":"replace","path":"emails[primary eq true].value","value":"{{tooLong}}"}""")), HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains("must be at most 320 characters", error.GetProperty("detail").GetString());
        var user = await ExpectAsync(SendAsync(scim, HttpMethod.Get, $"/scim/v2/Users/{id}"), HttpStatusCode.OK);
        Assert.Equal("dana@corp.example", user.GetProperty("emails")[0].GetProperty("value").GetString());
    }
}
