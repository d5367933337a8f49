-- grain: scalar macro, one list of words per text
-- purpose: the words that carry a criterion's meaning: lower case, split on anything not a letter or digit, short words and common filler dropped, each once
create or replace macro wording_tokens(text) as
    list_distinct(list_filter(
        string_split_regex(lower(text), '[^a-z0-9]+'),
        lambda word: length(word) > 2 and not list_contains(
            ['and', 'the', 'for', 'with', 'within', 'into', 'from', 'including', 'such', 'their', 'them', 'they',
             'this', 'that', 'these', 'those', 'all', 'are', 'any', 'other', 'its', 'our', 'your', 'have', 'has',
             'been', 'will', 'can', 'able', 'ability', 'use', 'using', 'where', 'when', 'which', 'who', 'also',
             'well', 'etc', 'e.g', 'good', 'excellent', 'proven', 'level', 'levels', 'appropriate', 'relevant'],
            word)
    ))
