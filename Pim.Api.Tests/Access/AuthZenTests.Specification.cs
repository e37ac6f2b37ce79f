using System.Net;
using System.Text;
using System.Text.Json;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Access;

// The examples of the AuthZEN specification, answered as it says.
public abstract partial class AuthZenTests
{
    // ---------------------------------------------------------------- the specification's examples

    /// <summary>
    /// The Access Evaluation request example, as the specification writes it; only what names things is Pim's: Bob for
    /// alice@example.com, the Exchange Administrator role for account 123, "hold" for "can_read". The action's
    /// properties and the context are read past, as AuthZEN asks of unknown fields.
    /// </summary>
    [Fact]
    public async Task The_specifications_access_evaluation_example_is_answered()
    {
        var s = await Scenario.OnboardAsync(app);
        const string example = """
            {
              "subject": {
                "type": "user",
                "id": "bob"
              },
              "resource": {
                "type": "role",
                "id": "exchange-administrator"
              },
              "action": {
                "name": "hold",
                "properties": {
                  "method": "GET"
                }
              },
              "context": {
                "time": "1985-10-26T01:22-07:00"
              }
            }
            """;
        using var response = await PostAsync(Gateway(s), "/access/v1/evaluation", example, requestId: "bfe9eb29-ab87-4ca3-be83-a1d5d8305716");
        await response.ExpectAsync(HttpStatusCode.OK);
        // Bob's Exchange Administrator assignment is standing: allowed, with no end to tell.
        Assert.Equal("""{"decision":true}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bfe9eb29-ab87-4ca3-be83-a1d5d8305716", response.Headers.GetValues("X-Request-ID").Single());
    }

    /// <summary>The examples exactly as the specification writes them, ids and all: answered, and denied — Pim grants no such thing.</summary>
    [Fact]
    public async Task The_specifications_examples_unchanged_are_answered_with_a_deny()
    {
        var s = await Scenario.OnboardAsync(app);
        var single = await DecideAsync(Gateway(s), """
            {
              "subject": {
                "type": "user",
                "id": "alice@example.com"
              },
              "resource": {
                "type": "account",
                "id": "123"
              },
              "action": {
                "name": "can_read",
                "properties": {
                  "method": "GET"
                }
              },
              "context": {
                "time": "1985-10-26T01:22-07:00"
              }
            }
            """);
        Assert.False(single.GetProperty("decision").GetBoolean());
        Assert.Equal("unsupported-action", Reason(single));

        var batch = await DecideAllAsync(Gateway(s), """
            {
              "subject": {
                "type": "user",
                "id": "alice@example.com"
              },
              "context": {
                "time": "2024-05-31T15:22-07:00"
              },
              "action": {
                "name": "can_read"
              },
              "evaluations": [
                {
                  "resource": {
                    "type": "document",
                    "id": "boxcarring.md"
                  }
                },
                {
                  "resource": {
                    "type": "document",
                    "id": "subject-search.md"
                  }
                },
                {
                  "action": {
                    "name": "can_edit"
                  },
                  "resource": {
                    "type": "document",
                    "id": "resource-search.md"
                  }
                }
              ]
            }
            """);
        Assert.Equal([false, false, false], Decisions(batch));
        Assert.All(batch.GetProperty("evaluations").EnumerateArray(), e => Assert.Equal("unsupported-action", Reason(e)));
    }

    /// <summary>Three requests with no default values (the specification's first evaluations example).</summary>
    [Fact]
    public async Task The_specifications_evaluations_example_without_defaults_is_answered_in_order()
    {
        var s = await Scenario.OnboardAsync(app);
        var answer = await DecideAllAsync(Gateway(s), """
            {
              "evaluations": [
                {
                  "subject": {
                    "type": "user",
                    "id": "bob"
                  },
                  "action": {
                    "name": "hold"
                  },
                  "resource": {
                    "type": "role",
                    "id": "exchange-administrator"
                  },
                  "context": {
                    "time": "2024-05-31T15:22-07:00"
                  }
                },
                {
                  "subject": {
                    "type": "user",
                    "id": "bob"
                  },
                  "action": {
                    "name": "hold"
                  },
                  "resource": {
                    "type": "role",
                    "id": "global-administrator"
                  },
                  "context": {
                    "time": "2024-05-31T15:22-07:00"
                  }
                },
                {
                  "subject": {
                    "type": "user",
                    "id": "bob"
                  },
                  "action": {
                    "name": "hold"
                  },
                  "resource": {
                    "type": "role",
                    "id": "helpdesk-administrator"
                  },
                  "context": {
                    "time": "2024-05-31T15:22-07:00"
                  }
                }
              ]
            }
            """);
        Assert.Equal([true, false, false], Decisions(answer));
        Assert.False(answer.TryGetProperty("decision", out _)); // AuthZEN recommends no top-level decision beside evaluations
    }

    /// <summary>The default-values examples: a shared subject and context, then a default action that the third item overrides.</summary>
    [Fact]
    public async Task The_specifications_default_values_examples_are_answered()
    {
        var s = await Scenario.OnboardAsync(app);
        var shared = await DecideAllAsync(Gateway(s), """
            {
              "subject": {
                "type": "user",
                "id": "bob"
              },
              "context": {
                "time": "2024-05-31T15:22-07:00"
              },
              "evaluations": [
                {
                  "action": {
                    "name": "hold"
                  },
                  "resource": {
                    "type": "role",
                    "id": "exchange-administrator"
                  }
                },
                {
                  "action": {
                    "name": "hold"
                  },
                  "resource": {
                    "type": "role",
                    "id": "global-administrator"
                  }
                },
                {
                  "action": {
                    "name": "hold"
                  },
                  "resource": {
                    "type": "role",
                    "id": "exchange-administrator"
                  }
                }
              ]
            }
            """);
        Assert.Equal([true, false, true], Decisions(shared));

        var overridden = await DecideAllAsync(Gateway(s), """
            {
              "subject": {
                "type": "user",
                "id": "bob"
              },
              "context": {
                "time": "2024-05-31T15:22-07:00"
              },
              "action": {
                "name": "hold"
              },
              "evaluations": [
                {
                  "resource": {
                    "type": "role",
                    "id": "exchange-administrator"
                  }
                },
                {
                  "resource": {
                    "type": "role",
                    "id": "global-administrator"
                  }
                },
                {
                  "action": {
                    "name": "can_edit"
                  },
                  "resource": {
                    "type": "role",
                    "id": "exchange-administrator"
                  }
                }
              ]
            }
            """);
        Assert.Equal([true, false, false], Decisions(overridden));
        var evaluations = overridden.GetProperty("evaluations");
        Assert.Equal("not-eligible", Reason(evaluations[1]));
        Assert.Equal("unsupported-action", Reason(evaluations[2])); // the item's action replaced the default
    }

    /// <summary>
    /// The specification's three semantics examples (documents 1 and 3 readable, 2 not), with Bob holding the roles
    /// named for documents 1 and 3 — answered as the specification's own responses: all, up to the deny, the first permit.
    /// </summary>
    [Theory]
    [InlineData("execute_all", new[] { true, false, true })]
    [InlineData("deny_on_first_deny", new[] { true, false })]
    [InlineData("permit_on_first_permit", new[] { true })]
    public async Task The_specifications_semantics_examples_are_answered(string semantic, bool[] expected)
    {
        var s = await Scenario.OnboardAsync(app);
        var answer = await DecideAllAsync(Gateway(s), """
            {
              "subject": {
                "type": "user",
                "id": "bob"
              },
              "action": {
                "name": "hold"
              },
              "options": {
                "evaluations_semantic": "SEMANTIC"
              },
              "evaluations": [
                {
                  "resource": {
                    "type": "role",
                    "id": "exchange-administrator"
                  }
                },
                {
                  "resource": {
                    "type": "role",
                    "id": "global-administrator"
                  }
                },
                {
                  "resource": {
                    "type": "role",
                    "id": "exchange-administrator"
                  }
                }
              ]
            }
            """.Replace("SEMANTIC", semantic));
        Assert.Equal(expected, Decisions(answer));
    }

    /// <summary>
    /// The specification's example of options names no action at all — and "any of these keys omitted from an evaluation
    /// object MUST be provided as a top-level key", else "the server MUST return a Bad Request": so it is one, naming
    /// what is missing. Its unknown option is read past.
    /// </summary>
    [Fact]
    public async Task The_specifications_options_example_is_a_bad_request_because_it_names_no_action()
    {
        var s = await Scenario.OnboardAsync(app);
        var problem = await PostAsync(Gateway(s), "/access/v1/evaluations", """
            {
              "evaluations": [{
                "resource": {
                  "type": "doc",
                  "id": "1"
                },
                "subject": {
                  "type": "doc",
                  "id": "2"
                }
              }],
              "options": {
                "evaluations_semantic": "execute_all",
                "another_option": "value"
              }
            }
            """).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(["evaluations[0].action"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));

        // With an action, the same request is answered: a "doc" is no principal kind, nor a role.
        var answered = await DecideAllAsync(Gateway(s), """
            {"evaluations":[{"resource":{"type":"doc","id":"1"},"subject":{"type":"doc","id":"2"},"action":{"name":"hold"}}],
             "options":{"evaluations_semantic":"execute_all","another_option":"value"}}
            """);
        Assert.Equal("unsupported-resource-type", Reason(answered.GetProperty("evaluations")[0]));
    }
}
