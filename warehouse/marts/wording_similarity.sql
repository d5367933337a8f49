-- grain: scalar macro, one number per pair of word lists
-- purpose: how alike two criteria's wordings are: shared words over all words (Jaccard similarity of their wording_tokens), 0 to 1
create or replace macro wording_similarity(left_tokens, right_tokens) as
    coalesce(
        len(list_intersect(left_tokens, right_tokens))
        / nullif(len(list_distinct(list_concat(left_tokens, right_tokens))), 0),
        0
    )
