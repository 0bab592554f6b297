/**
 * The hidden first line of every plan-review comment. `ai-factory comment` finds the comment to
 * update by it, so a pull request carries one review that is edited in place, never a pile.
 */
export const PLAN_REVIEW_MARKER = "<!-- ai-factory:plan-review -->";

/** GitHub's limit on a comment body, in characters ("Body is too long (maximum is 65536 characters)"). */
export const GITHUB_COMMENT_LIMIT = 65536;
