using System.Text.Json;
using System.Text.Json.Serialization;
using Pim.Api.Http;
using Pim.Api.Http.Values;
using Pim.Domain;

namespace Pim.Api.Features.Reviews;

/// <summary>
/// Who reviews, on the wire: <c>"self"</c>, <c>"roleAdministrators"</c>, or a list of user and group ids. Any string or
/// list of strings is read (the validator says what is wrong with it); anything else is a malformed request.
/// </summary>
[JsonConverter(typeof(ReviewersConverter))]
public sealed class ReviewersDto
{
    public string? Keyword { get; init; }
    public IReadOnlyList<string>? PrincipalIds { get; init; }

    public static ReviewersDto From(AccessReviewers r) => r.Kind switch
    {
        ReviewerKind.Self => new() { Keyword = AccessReviewers.SelfText },
        ReviewerKind.RoleAdministrators => new() { Keyword = AccessReviewers.RoleAdministratorsText },
        _ => new() { PrincipalIds = r.PrincipalIds },
    };

    public AccessReviewers ToDomain() => Keyword switch
    {
        AccessReviewers.SelfText => AccessReviewers.Self,
        AccessReviewers.RoleAdministratorsText => AccessReviewers.RoleAdministrators,
        _ => AccessReviewers.Of(PrincipalIds ?? []),
    };
}

public sealed class ReviewersConverter : JsonConverter<ReviewersDto>
{
    public override ReviewersDto Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return new ReviewersDto { Keyword = reader.GetString() };
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("reviewers is \"self\", \"roleAdministrators\" or a list of principal ids.");
        var ids = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            ids.Add(reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("reviewers lists principal ids (strings)."));
        return new ReviewersDto { PrincipalIds = ids };
    }

    public override void Write(Utf8JsonWriter writer, ReviewersDto value, JsonSerializerOptions options)
    {
        if (value.Keyword is { } keyword)
        {
            writer.WriteStringValue(keyword);
            return;
        }
        writer.WriteStartArray();
        foreach (var id in value.PrincipalIds ?? []) writer.WriteStringValue(id);
        writer.WriteEndArray();
    }
}

/// <summary>
/// An access review to create. Left out: scope '/', every role, both assignment types, once, for P14D, keeping undecided
/// items, applied by an administrator, with a justification for each decision.
/// </summary>
public sealed record AccessReviewRequest(DisplayName DisplayName, ReviewersDto Reviewers, Scope? Scope = null, IReadOnlyList<RoleId>? RoleIds = null,
    string? AssignmentTypes = null, string? Recurrence = null, Duration? Duration = null, string? DefaultDecision = null, bool? AutoApply = null,
    bool? JustificationRequired = null)
{
    public NewAccessReview ToDomain()
    {
        AccessReviewRecurrences.TryParse(Recurrence ?? AccessReviewRecurrences.Once, out var recurrence);
        return new NewAccessReview(DisplayName.Text, Scope?.Text ?? ScopePath.Root, RoleIds?.Select(r => r.Text).ToList() ?? [],
            AssignmentTypes is null ? ReviewedAssignments.Both : AccessReviewDecisions.ParseAssignments(AssignmentTypes)!.Value, Reviewers.ToDomain(), recurrence,
            Duration?.ToTimeSpan() ?? AccessReview.DefaultDuration,
            DefaultDecision is null ? AccessReviewDefault.Keep : AccessReviewDecisions.ParseDefault(DefaultDecision)!.Value, AutoApply ?? false,
            JustificationRequired ?? true);
    }
}

public sealed record AccessReviewResponse(string Id, string DisplayName, string Scope, IReadOnlyList<string> RoleIds, string AssignmentTypes,
    ReviewersDto Reviewers, string Recurrence, string Duration, string DefaultDecision, bool AutoApply, bool JustificationRequired, DateTimeOffset CreatedAt,
    string CreatedBy, DateTimeOffset? NextInstanceAt)
{
    public static AccessReviewResponse From(AccessReview r) => new(r.Id, r.DisplayName, r.Scope, r.RoleIds, AccessReviewDecisions.ToText(r.AssignmentTypes),
        ReviewersDto.From(r.Reviewers), AccessReviewRecurrences.ToText(r.Recurrence), IsoDuration.Format(r.Duration), AccessReviewDecisions.ToText(r.DefaultDecision),
        r.AutoApply, r.JustificationRequired, r.CreatedAt, r.CreatedBy, r.NextInstanceAt);
}

/// <summary>One run of a review: its window, where it stands, and how far its items are.</summary>
public sealed record AccessReviewInstanceResponse(string Id, string ReviewId, int Sequence, string Status, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    DateTimeOffset RemindAt, DateTimeOffset? RemindedAt, DateTimeOffset? EndedAt, DateTimeOffset? AppliedAt, int ItemCount, int DecidedCount, int KeepCount,
    int RemoveCount, int RemovedCount)
{
    public static AccessReviewInstanceResponse From(AccessReviewInstanceView v)
    {
        var (i, p) = (v.Instance, v.Progress);
        return new(i.Id, i.ReviewId, i.Sequence, AccessReviewInstance.Wire(i.StatusAt(v.At)), i.StartsAt, i.EndsAt, i.RemindAt, i.RemindedAt, i.EndedAt,
            i.AppliedAt, p.Items, p.Decided, p.Kept, p.Removed, p.Applied);
    }
}

/// <summary>An assignment under review (its id is the assignment's), Pim's recommendation and why, and the decision.</summary>
public sealed record AccessReviewItemResponse(string Id, string InstanceId, string AssignmentId, string PrincipalId, string? PrincipalDisplayName, string RoleId,
    string Scope, string AssignmentType, DateTimeOffset AssignedAt, DateTimeOffset? LastActivityAt, string Recommendation, string RecommendationReason,
    string? Decision, string? DecidedBy, DateTimeOffset? DecidedAt, bool DecidedByDefault, Justification? Justification, DateTimeOffset? AppliedAt, string? Outcome)
{
    public static AccessReviewItemResponse From(AccessReviewItemView v)
    {
        var i = v.Item;
        return new(i.AssignmentId, i.InstanceId, i.AssignmentId, i.PrincipalId, i.PrincipalDisplayName, i.RoleId, i.Scope, AssignmentTypes.ToText(i.AssignmentType),
            i.AssignedAt, i.LastActivityAt, AccessReviewDecisions.ToText(i.Recommendation), v.RecommendationReason,
            i.Decision is { } d ? AccessReviewDecisions.ToText(d) : null, i.DecidedBy, i.DecidedAt, i.DecidedByDefault, WireValues.OrNull<Justification>(i.Justification), i.AppliedAt, i.Outcome);
    }
}

public sealed record AccessReviewDecisionRequest(string Decision, Justification? Justification = null);

/// <summary>The paging of <c>GET …/results</c>: JSON pages of at most 200 items, or CSV pages of up to 10,000 (Accept: text/csv).</summary>
public sealed record AccessReviewResultsQuery(int? PageSize, string? PageToken);
