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
public sealed record AccessReviewRequest(DisplayName DisplayName, [Wire<Bounds.Reviewers>] ReviewersDto Reviewers, Scope? Scope = null,
    [MaxItems(ActivationService.MaximumBatch), Wire<RoleId>] IReadOnlyList<RoleId>? RoleIds = null,
    [Wire<Vocabulary.AccessReviewAssignmentTypes>] string? AssignmentTypes = null,
    [Wire<Vocabulary.AccessReviewRecurrence>] string? Recurrence = null, Duration? Duration = null,
    [Wire<Vocabulary.AccessReviewDefaultDecision>] string? DefaultDecision = null, bool? AutoApply = null,
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

public sealed record AccessReviewResponse([Wire<Bounds.EntityId>] string Id, [Wire<DisplayName>] string DisplayName, [Wire<Scope>] string Scope,
    [MaxItems(ActivationService.MaximumBatch), Wire<RoleId>] IReadOnlyList<string> RoleIds,
    [Wire<Vocabulary.AccessReviewAssignmentTypes>] string AssignmentTypes,
    [Wire<Bounds.Reviewers>] ReviewersDto Reviewers, [Wire<Vocabulary.AccessReviewRecurrence>] string Recurrence, [Wire<Duration>] string Duration,
    [Wire<Vocabulary.AccessReviewDefaultDecision>] string DefaultDecision, bool AutoApply, bool JustificationRequired, DateTimeOffset CreatedAt,
    [Wire<Bounds.Subject>] string CreatedBy, DateTimeOffset? NextInstanceAt)
{
    public static AccessReviewResponse From(AccessReview r) => new(r.Id, r.DisplayName, r.Scope, r.RoleIds, AccessReviewDecisions.ToText(r.AssignmentTypes),
        ReviewersDto.From(r.Reviewers), AccessReviewRecurrences.ToText(r.Recurrence), IsoDuration.Format(r.Duration), AccessReviewDecisions.ToText(r.DefaultDecision),
        r.AutoApply, r.JustificationRequired, r.CreatedAt, r.CreatedBy, r.NextInstanceAt);
}

/// <summary>One run of a review: its window, where it stands, and how far its items are.</summary>
public sealed record AccessReviewInstanceResponse([Wire<Bounds.EntityId>] string Id, [Wire<Bounds.EntityId>] string ReviewId,
    [Between(1, int.MaxValue)] int Sequence, [Wire<Vocabulary.AccessReviewInstanceStatus>] string Status, DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    DateTimeOffset RemindAt, DateTimeOffset? RemindedAt, DateTimeOffset? EndedAt, DateTimeOffset? AppliedAt, [Between(0, int.MaxValue)] int ItemCount,
    [Between(0, int.MaxValue)] int DecidedCount, [Between(0, int.MaxValue)] int KeepCount,
    [Between(0, int.MaxValue)] int RemoveCount, [Between(0, int.MaxValue)] int RemovedCount)
{
    public static AccessReviewInstanceResponse From(AccessReviewInstanceView v)
    {
        var (i, p) = (v.Instance, v.Progress);
        return new(i.Id, i.ReviewId, i.Sequence, AccessReviewInstance.Wire(i.StatusAt(v.At)), i.StartsAt, i.EndsAt, i.RemindAt, i.RemindedAt, i.EndedAt,
            i.AppliedAt, p.Items, p.Decided, p.Kept, p.Removed, p.Applied);
    }
}

/// <summary>An assignment under review (its id is the assignment's), Pim's recommendation and why, and the decision.</summary>
public sealed record AccessReviewItemResponse([Wire<Bounds.EntityId>] string Id, [Wire<Bounds.EntityId>] string InstanceId,
    [Wire<Bounds.EntityId>] string AssignmentId, [Wire<PrincipalId>] string PrincipalId, [Wire<DisplayName>] string? PrincipalDisplayName,
    [Wire<RoleId>] string RoleId,
    [Wire<Scope>] string Scope, [Wire<Vocabulary.AssignmentType>] string AssignmentType, DateTimeOffset AssignedAt, DateTimeOffset? LastActivityAt,
    [Wire<Vocabulary.AccessReviewDecision>] string Recommendation, [Text(Features.Reviews.AccessReviewCsv.MaxCell)] string RecommendationReason,
    [Wire<Vocabulary.AccessReviewDecision>] string? Decision, [Wire<Bounds.Subject>] string? DecidedBy, DateTimeOffset? DecidedAt,
    bool DecidedByDefault, Justification? Justification, DateTimeOffset? AppliedAt, [Wire<Vocabulary.AccessReviewOutcome>] string? Outcome)
{
    public static AccessReviewItemResponse From(AccessReviewItemView v)
    {
        var i = v.Item;
        return new(i.AssignmentId, i.InstanceId, i.AssignmentId, i.PrincipalId, i.PrincipalDisplayName, i.RoleId, i.Scope, AssignmentTypes.ToText(i.AssignmentType),
            i.AssignedAt, i.LastActivityAt, AccessReviewDecisions.ToText(i.Recommendation), v.RecommendationReason,
            i.Decision is { } d ? AccessReviewDecisions.ToText(d) : null, i.DecidedBy, i.DecidedAt, i.DecidedByDefault, WireValues.OrNull<Justification>(i.Justification), i.AppliedAt, i.Outcome);
    }
}

public sealed record AccessReviewDecisionRequest([Wire<Vocabulary.AccessReviewDecision>] string Decision, Justification? Justification = null);

/// <summary>The paging of <c>GET …/results</c>: JSON pages of at most 200 items, or CSV pages of up to 10,000 (Accept: text/csv).</summary>
public sealed record AccessReviewResultsQuery([Between(1, Csv.MaximumRows)] int? PageSize, [Wire<Bounds.PageTokenSent>] string? PageToken);
