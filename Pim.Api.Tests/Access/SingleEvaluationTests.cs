using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Pim.Api.Features.Access;
using Pim.Api.Http.Values;
using Pim.Api.Tests.Support;
using Pim.Domain;

namespace Pim.Api.Tests.Access;

/// <summary>
/// The single evaluation reads the question as nearly every caller sends it straight from the bytes (issue 27): for any
/// body, that reading either declines or gives exactly the record System.Text.Json gives — with the application's own
/// options — and whatever System.Text.Json refuses, it declines.
/// </summary>
[Collection(SqliteCollection.Name)]
public sealed class SingleEvaluationTests(SqliteApp app)
{
    public static TheoryData<string, bool> Bodies => new()
    {
        // Read straight from the bytes.
        { """{"principalId":"bob","roleId":"exchange-administrator"}""", true },
        { """{"roleId":"exchange-administrator","principalId":"bob"}""", true },
        { """ { "principalId" : "bob" , "roleId" : "r" , "scope" : "/subscriptions/s1" } """, true },
        { """{"scope":"/","principalId":"bob","roleId":"r"}""", true },
        { "{\"principalId\":\"b\\u006Fb\",\"roleId\":\"r\"}", true }, // an escaped value
        { "{\"principal\\u0049d\":\"bob\",\"roleId\":\"r\"}", true }, // an escaped name
        { """{"principalId":"b o b","roleId":"r"}""", true }, // out of bounds: read, then refused by the wire's bounds
        { """{"principalId":"","roleId":""}""", true },
        { "{\"principalId\":\"bob\",\"roleId\":\"r\"}\n\t ", true },
        // Left to System.Text.Json.
        { """{"PrincipalId":"bob","roleId":"r"}""", false }, // another spelling (the options' case-insensitive names)
        { """{"principalId":"bob","roleId":"r","scope":null}""", false },
        { """{"principalId":"bob","principalId":"eve","roleId":"r"}""", false },
        { """{"roleId":"r"}""", false },
        { """{"principalId":"bob"}""", false },
        { """{"principalId":"bob","roleId":"r","extra":1}""", false },
        { """{"principalId":5,"roleId":"r"}""", false },
        { """{"principalId":null,"roleId":"r"}""", false },
        { """{"principalId":"bob","roleId":"r"} {}""", false },
        { """{"principalId":"bob","roleId":"r"} x""", false },
        { """{"principalId":"bob","roleId":"r",}""", false },
        { """{"principalId":"bob","roleId":"r" /* c */}""", false },
        { """{"principalId":"bob","roleId":{"id":"r"}}""", false },
        { """[{"principalId":"bob","roleId":"r"}]""", false },
        { "null", false },
        { "", false },
        { "{", false },
        { "\uFEFF{\"principalId\":\"bob\",\"roleId\":\"r\"}", false }, // a byte order mark
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void The_question_read_from_the_bytes_is_the_one_System_Text_Json_reads(string text, bool plain)
    {
        var body = Encoding.UTF8.GetBytes(text);
        var options = app.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var question = (JsonTypeInfo<EvaluationRequest>)options.GetTypeInfo(typeof(EvaluationRequest));
        Assert.Equal(plain, SingleEvaluation.TryReadPlain(body, out var read));
        EvaluationRequest? expected;
        try
        {
            expected = JsonSerializer.Deserialize(body, question);
        }
        catch (JsonException)
        {
            Assert.Null(read); // what System.Text.Json refuses is never read straight
            return;
        }
        if (read is not null) Assert.Equal(expected, read);
    }

    public static TheoryData<string?, string?> Decisions => new()
    {
        { null, null }, { "/subscriptions/s1", null }, { null, "no-eligibility" }, { "/", "expired" },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void The_answer_is_written_as_System_Text_Json_writes_the_record(string? scope, string? denied)
    {
        var options = app.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var question = new EvaluationRequest(PrincipalId.Read("bob"), RoleId.Read("exchange-administrator"), scope is null ? null : Scope.Read(scope));
        var until = new DateTimeOffset(2026, 12, 6, 15, 4, 5, 120, TimeSpan.Zero);
        AccessDecision[] decisions = denied is not null ? [new(false, null, denied)] :
        [
            new(true, new Grant("exchange-administrator", scope ?? "/", until, "a-1", null, "bob"), null),
            new(true, new Grant("exchange-administrator", scope ?? "/", null, "a-<&>\u00e9\"", null, "team"), null),
            new(true, new Grant("exchange-administrator", scope ?? "/", until.AddTicks(7), "a-1", "r-1", "bob"), null),
        ];
        foreach (var decision in decisions)
        {
            using var written = new MemoryStream();
            using (var writer = new Utf8JsonWriter(written, SingleEvaluation.WriterOptions(options)))
                SingleEvaluation.WriteAnswer(writer, question, decision);
            Assert.Equal(JsonSerializer.Serialize(EvaluationResponse.From(question, decision), options), Encoding.UTF8.GetString(written.ToArray()));
        }
    }

    [Fact]
    public void A_string_that_is_not_UTF_8_is_left_to_System_Text_Json()
    {
        byte[] body = [.. "{\"principalId\":\""u8, 0xC3, 0x28, .. "\",\"roleId\":\"r\"}"u8];
        Assert.False(SingleEvaluation.TryReadPlain(body, out _));
    }
}
