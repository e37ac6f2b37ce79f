using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>A <c>?scope=</c> query (role settings, sign-ups): '/' when left out. Bound with [AsParameters], held to its bounds like a body.</summary>
public sealed record ScopeQuery([Wire<Scope>] string? Scope)
{
    public string Value => Scope ?? ScopePath.Root;
}
