/*
 * The Vigil rule language. Text -> parse tree only: the AST is built by dev.vigil.dsl.parse.AstBuilder and
 * every semantic rule lives in dev.vigil.dsl.check. The grammar is deliberately permissive where a precise
 * message helps more than a parse error (duration units, type names, severities and quantifier modifiers
 * are checked by the builder), and strict where ambiguity would hurt (clause keywords are reserved).
 *
 * Precedence of expressions, lowest first: OR, AND, NOT, comparisons, + -, * / %, unary -, primary.
 * Comparisons do not chain: `a < b < c` is a syntax error rather than a surprise.
 */
grammar Cep;

options { caseInsensitive = true; }

ruleFile
    : SEMI* (statement (SEMI+ statement)* SEMI*)? EOF
    ;

statement
    : streamDecl
    | ruleDecl
    ;

// ---------------------------------------------------------------- STREAM

streamDecl
    : STREAM name LPAREN fieldDecl (COMMA fieldDecl)* RPAREN streamOption*
    ;

fieldDecl
    : fieldPath typeName=name
    ;

streamOption
    : EVENT TIME fieldPath        # eventTimeOption
    | WATERMARK DELAY duration    # watermarkOption
    ;

// ---------------------------------------------------------------- RULE

ruleDecl
    : RULE name ruleClause*
    ;

ruleClause
    : SEVERITY name                                   # severityClause
    | FROM name (COMMA name)*                         # fromClause
    | PARTITION BY fieldPath (COMMA fieldPath)*       # partitionClause
    | PATTERN pattern                                 # patternClause
    | WITHIN duration (BETWEEN EVENTS)?               # withinClause
    | DEFINE varDef (COMMA varDef)*                   # defineClause
    | EMIT emitField (COMMA emitField)*               # emitClause
    | ON TIMEOUT EMIT (emitField (COMMA emitField)*)? # timeoutClause
    | AFTER MATCH SKIP_ skipTarget                    # skipClause
    | TO sink (COMMA sink)*                           # sinkClause
    | SUPPRESS FOR duration                           # suppressClause
    ;

skipTarget
    : NO SKIP_             # noSkip
    | TO NEXT EVENT        # toNextEvent
    | PAST LAST EVENT      # pastLastEvent
    | TO FIRST name        # toFirst
    | TO LAST name         # toLast
    ;

/**
 * Where alerts go: a sink of the server's configuration (`fraud_hook`), `log`, or a type word and its quoted
 * target (`webhook 'https://...'`, `file 'alerts.ndjson'`). The checker judges the words; the server the names.
 */
sink
    : name target=STRING?
    ;

varDef
    : name AS expr (UNTIL expr)?
    ;

emitField
    : name EQ expr
    ;

// ---------------------------------------------------------------- PATTERN

pattern
    : stage (contiguity? stage)*
    ;

contiguity
    : ARROW       # relaxedArrow
    | ARROW_ANY   # anyArrow
    ;

stage
    : BANG? element quantifier? stageWindow?
    ;

/** `b WITHIN 5 SECONDS OF PREVIOUS`: b's event within 5 seconds of the match's previous event (Flink PREVIOUS_AND_CURRENT). */
stageWindow
    : WITHIN duration OF PREVIOUS
    ;

element
    : variableName            # variableElement
    | LPAREN pattern (PIPE pattern)* RPAREN            # groupElement
    | PERMUTE LPAREN pattern (COMMA pattern)* RPAREN   # permuteElement
    ;

quantifier
    : (QMARK | PLUS | STAR | LBRACE INTEGER RBRACE | LBRACE INTEGER COMMA INTEGER? RBRACE) quantifierModifier*
    ;

/** OPTIONAL makes a count optional: `b{2,4} OPTIONAL` takes no b, or 2 to 4 (Flink `times(2, 4).optional()`). */
quantifierModifier
    : OPTIONAL
    | GREEDY
    | CONSECUTIVE
    | RELAXED
    | COMBINATIONS
    ;

// ---------------------------------------------------------------- expressions

expr
    : orExpr
    ;

orExpr
    : andExpr (OR andExpr)*
    ;

andExpr
    : notExpr (AND notExpr)*
    ;

notExpr
    : NOT notExpr     # negation
    | comparison      # plainComparison
    ;

comparison
    : additive (comparisonTail)?
    ;

comparisonTail
    : op=(EQ | EQEQ | NEQ | LTGT | LT | LE | GT | GE) additive         # compareTail
    | NOT? IN LPAREN expr (COMMA expr)* RPAREN                         # inTail
    | NOT? BETWEEN additive AND additive                               # betweenTail
    | IS NOT? NULL                                                     # isNullTail
    | NOT? LIKE additive                                               # likeTail
    | NOT? MATCHES additive                                            # matchesTail
    ;

additive
    : multiplicative (op+=(PLUS | MINUS) multiplicative)*
    ;

multiplicative
    : unary (op+=(STAR | SLASH | PERCENT) unary)*
    ;

unary
    : MINUS unary    # negate
    | primary        # plainPrimary
    ;

primary
    : literal                                        # literalPrimary
    | name LPAREN (STAR | expr (COMMA expr)*)? RPAREN (OVER LPAREN LAST duration RPAREN)?   # callPrimary
    | name (DOT name)*                               # refPrimary
    | LPAREN expr RPAREN                             # parenPrimary
    ;

literal
    : INTEGER durationUnit   # durationLiteral
    | COMPACT_DURATION       # compactDurationLiteral
    | INTEGER                # integerLiteral
    | DECIMAL                # decimalLiteral
    | STRING                 # stringLiteral
    | TRUE                   # trueLiteral
    | FALSE                  # falseLiteral
    | NULL                   # nullLiteral
    ;

// ---------------------------------------------------------------- shared pieces

/** `10 SECONDS`, `10s`; a missing or misspelt unit is reported by the builder, not as a syntax error. */
duration
    : amount=(INTEGER | DECIMAL) (durationUnit | badUnit=IDENT)?
    | COMPACT_DURATION
    ;

durationUnit
    : MILLISECOND | MILLISECONDS | MS | SECOND | SECONDS | MINUTE | MINUTES | HOUR | HOURS | DAY | DAYS
    ;

fieldPath
    : name (DOT name)*
    ;

/** A user-chosen name. Keywords that cannot end a clause or an expression may be used as names. */
name
    : IDENT
    | QUOTED_IDENT
    | nonReserved
    ;

/**
 * A pattern variable: any name except a bare `to`, which after a pattern starts the TO clause
 * (`PATTERN a b TO log`), a bare `suppress`, which starts the SUPPRESS FOR clause, and a bare `optional`, which
 * after a quantifier modifies it (`b{2,4} OPTIONAL`); such a variable is written `` `to` ``, `` `optional` ``.
 */
variableName
    : IDENT
    | QUOTED_IDENT
    | variableKeyword
    ;

// Keep in sync with dev.vigil.dsl.parse.Keywords.NON_RESERVED (a test compares them).
nonReserved
    : variableKeyword
    | TO
    | OPTIONAL
    | SUPPRESS
    | FOR
    ;

variableKeyword
    : STREAM | RULE | EVENT | TIME | WATERMARK | DELAY | BY | EVENTS | TIMEOUT | MATCH | SKIP_ | NO | NEXT
    | PAST | LAST | FIRST | OF | PREVIOUS | OVER
    | MILLISECOND | MILLISECONDS | MS | SECOND | SECONDS | MINUTE | MINUTES | HOUR | HOURS | DAY | DAYS
    ;

// ---------------------------------------------------------------- lexer

// reserved: they start clauses, modify quantifiers or are expression operators
SEVERITY     : 'severity';
FROM         : 'from';
PARTITION    : 'partition';
PATTERN      : 'pattern';
WITHIN       : 'within';
DEFINE       : 'define';
EMIT         : 'emit';
ON           : 'on';
AFTER        : 'after';
AS           : 'as';
UNTIL        : 'until';
GREEDY       : 'greedy';
CONSECUTIVE  : 'consecutive';
RELAXED      : 'relaxed';
COMBINATIONS : 'combinations';
PERMUTE      : 'permute';
AND          : 'and';
OR           : 'or';
NOT          : 'not';
IN           : 'in';
IS           : 'is';
NULL         : 'null';
LIKE         : 'like';
MATCHES      : 'matches';
BETWEEN      : 'between';
TRUE         : 'true';
FALSE        : 'false';

// non-reserved keywords
STREAM       : 'stream';
RULE         : 'rule';
EVENT        : 'event';
TIME         : 'time';
WATERMARK    : 'watermark';
DELAY        : 'delay';
BY           : 'by';
EVENTS       : 'events';
TIMEOUT      : 'timeout';
MATCH        : 'match';
SKIP_        : 'skip';
NO           : 'no';
TO           : 'to';
OPTIONAL     : 'optional';
SUPPRESS     : 'suppress';
FOR          : 'for';
OVER         : 'over';
NEXT         : 'next';
PAST         : 'past';
LAST         : 'last';
FIRST        : 'first';
OF           : 'of';
PREVIOUS     : 'previous';
MILLISECOND  : 'millisecond';
MILLISECONDS : 'milliseconds';
MS           : 'ms';
SECOND       : 'second';
SECONDS      : 'seconds';
MINUTE       : 'minute';
MINUTES      : 'minutes';
HOUR         : 'hour';
HOURS        : 'hours';
DAY          : 'day';
DAYS         : 'days';

ARROW_ANY : '->>';
ARROW     : '->';
EQEQ      : '==';
NEQ       : '!=';
LTGT      : '<>';
LE        : '<=';
GE        : '>=';
EQ        : '=';
LT        : '<';
GT        : '>';
BANG      : '!';
PLUS      : '+';
MINUS     : '-';
STAR      : '*';
SLASH     : '/';
PERCENT   : '%';
QMARK     : '?';
LPAREN    : '(';
RPAREN    : ')';
LBRACE    : '{';
RBRACE    : '}';
COMMA     : ',';
PIPE      : '|';
DOT       : '.';
SEMI      : ';';

DECIMAL
    : [0-9]+ '.' [0-9]+ EXPONENT?
    | [0-9]+ EXPONENT
    ;

/** `500ms`, `10s`: digits glued to a word; the builder checks the unit. */
COMPACT_DURATION : [0-9]+ [a-z]+;

INTEGER : [0-9]+;

STRING : '\'' (~'\'' | '\'\'')* '\'';

UNTERMINATED_STRING : '\'' (~'\'' | '\'\'')* EOF;

IDENT : [a-z_] [a-z_0-9]*;

/** `` `from` ``: any name, even a reserved word; a backquote inside is written twice. */
QUOTED_IDENT : '`' (~[`\r\n] | '``')+ '`';

LINE_COMMENT : '--' ~[\r\n]* -> skip;

BLOCK_COMMENT : '/*' .*? '*/' -> skip;

UNTERMINATED_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'* EOF;

WS : [ \t\r\n\f]+ -> skip;

fragment EXPONENT : 'e' [+-]? [0-9]+;
