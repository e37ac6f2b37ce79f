using FluentValidation;
using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>A <c>?scope=</c> query (role settings, sign-ups): '/' when left out. Bound with [AsParameters], validated like a body.</summary>
public sealed record ScopeQuery(string? Scope)
{
    public string Value => Scope ?? ScopePath.Root;
}

public sealed class ScopeQueryValidator : AbstractValidator<ScopeQuery>
{
    public ScopeQueryValidator() => RuleFor(q => q.Scope).MustBeScope();
}
