/*
 * The SQL front end: `.sql` rule files in the SQL:2016 row-pattern form that Flink SQL accepts,
 *
 *     CREATE TABLE payments (card STRING, amount DOUBLE, ts TIMESTAMP(3),
 *                            WATERMARK FOR ts AS ts - INTERVAL '5' SECOND);
 *     CREATE VIEW big_after_small AS
 *     SELECT * FROM payments MATCH_RECOGNIZE (
 *         PARTITION BY card ORDER BY ts
 *         MEASURES A.amount AS small, B.amount AS big
 *         PATTERN (A B) WITHIN INTERVAL '10' MINUTE
 *         DEFINE A AS amount < 1, B AS amount > 500);
 *
 * Text -> parse tree only: dev.vigil.dsl.parse.SqlReader builds the same AST as a `.cep` file gives. This grammar
 * reads the statement structure; the expressions of MEASURES and DEFINE are taken here as balanced runs of tokens
 * and read by the rule language's own expression grammar (Cep.g4), so both front ends have one expression
 * language, one set of functions and the same diagnostics.
 */
grammar MatchRecognize;

options { caseInsensitive = true; }

sqlFile
    : SEMI* (statement (SEMI+ statement)* SEMI*)? EOF
    ;

statement
    : createTable
    | createView
    ;

// ---------------------------------------------------------------- CREATE TABLE

createTable
    : CREATE TEMPORARY? TABLE (IF NOT EXISTS)? name LPAREN tableElement (COMMA tableElement)* RPAREN withOptions?
    ;

tableElement
    : columnPath columnType                                      # columnElement
    | WATERMARK FOR columnPath AS columnPath (MINUS interval)?   # watermarkElement
    | name AS exprToken+                                         # computedColumn
    ;

columnType
    : name (LPAREN INTEGER (COMMA INTEGER)? RPAREN)? (NOT NULL)?
    ;

/** Flink's connector options: Vigil's events come through the server's sources, so the builder refuses them. */
withOptions
    : WITH LPAREN nested* RPAREN
    ;

// ---------------------------------------------------------------- CREATE VIEW ... MATCH_RECOGNIZE

createView
    : CREATE TEMPORARY? VIEW name AS SELECT selectList FROM source=name
      MATCH_RECOGNIZE LPAREN recognize RPAREN (AS? alias=name)?
    ;

selectList
    : STAR
    | selectItem (COMMA selectItem)*
    ;

selectItem
    : (qualifier=name DOT)? (column=name | STAR)
    ;

recognize
    : (PARTITION BY columnPath (COMMA columnPath)*)?
      (ORDER BY orderItem (COMMA orderItem)*)?
      (MEASURES measure (COMMA measure)*)?
      rowsPerMatch?
      (AFTER MATCH SKIP_ skipTo)?
      PATTERN LPAREN rowPattern RPAREN (WITHIN interval)?
      (DEFINE defineItem (COMMA defineItem)*)?
    ;

orderItem
    : columnPath (ASC | DESC)?
    ;

measure
    : measureToken+ AS name
    ;

rowsPerMatch
    : ONE ROW PER MATCH    # oneRow
    | ALL ROWS PER MATCH   # allRows
    ;

skipTo
    : PAST LAST ROW        # skipPastLastRow
    | TO NEXT ROW          # skipToNextRow
    | TO FIRST name        # skipToFirst
    | TO LAST name         # skipToLast
    | TO name              # skipToVariable
    ;

defineItem
    : name AS exprToken+
    ;

// ---------------------------------------------------------------- row patterns

rowPattern
    : patternTerm (BAR patternTerm)*
    ;

patternTerm
    : patternFactor+
    ;

patternFactor
    : patternPrimary quantifier?          # quantifiedFactor
    | EXCLUDE_OPEN name quantifier? EXCLUDE_CLOSE   # excludedFactor
    ;

patternPrimary
    : name                                            # variablePrimary
    | LPAREN rowPattern RPAREN                        # groupPrimary
    | PERMUTE LPAREN rowPattern (COMMA rowPattern)* RPAREN   # permutePrimary
    ;

/** SQL quantifiers are greedy; a trailing `?` makes them reluctant (`B+?`, `B{2,}?`). */
quantifier
    : (STAR | PLUS | QMARK | LBRACE INTEGER RBRACE | LBRACE min=INTEGER? COMMA max=INTEGER? RBRACE) reluctant=QMARK?
    ;

// ---------------------------------------------------------------- shared pieces

/** `INTERVAL '10' MINUTE`; the builder checks the amount and the unit. */
interval
    : INTERVAL amount=STRING unit=name
    ;

columnPath
    : name (DOT name)*
    ;

/** One token of an expression, or a parenthesised run: the expression grammar reads the text. */
exprToken
    : LPAREN nested* RPAREN
    | ~(LPAREN | RPAREN | COMMA | SEMI)
    ;

/** As exprToken, but a MEASURES expression also ends at its AS. */
measureToken
    : LPAREN nested* RPAREN
    | ~(LPAREN | RPAREN | COMMA | SEMI | AS)
    ;

nested
    : LPAREN nested* RPAREN
    | ~(LPAREN | RPAREN)
    ;

name
    : IDENT
    | QUOTED_IDENT
    | nonReserved
    ;

nonReserved
    : TEMPORARY | TABLE | VIEW | IF | EXISTS | WATERMARK | FOR | ASC | DESC | ONE | ROW | ROWS | PER | ALL | MATCH
    | SKIP_ | PAST | LAST | TO | NEXT | FIRST | WITHIN | INTERVAL | PERMUTE | WITH | NULL
    ;

// ---------------------------------------------------------------- lexer

CREATE          : 'create';
TEMPORARY       : 'temporary';
TABLE           : 'table';
VIEW            : 'view';
IF              : 'if';
NOT             : 'not';
EXISTS          : 'exists';
NULL            : 'null';
WATERMARK       : 'watermark';
FOR             : 'for';
AS              : 'as';
WITH            : 'with';
SELECT          : 'select';
FROM            : 'from';
MATCH_RECOGNIZE : 'match_recognize';
PARTITION       : 'partition';
BY              : 'by';
ORDER           : 'order';
ASC             : 'asc';
DESC            : 'desc';
MEASURES        : 'measures';
ONE             : 'one';
ROW             : 'row';
ROWS            : 'rows';
PER             : 'per';
ALL             : 'all';
MATCH           : 'match';
AFTER           : 'after';
SKIP_           : 'skip';
PAST            : 'past';
LAST            : 'last';
TO              : 'to';
NEXT            : 'next';
FIRST           : 'first';
PATTERN         : 'pattern';
WITHIN          : 'within';
INTERVAL        : 'interval';
DEFINE          : 'define';
PERMUTE         : 'permute';

EXCLUDE_OPEN  : '{-';
EXCLUDE_CLOSE : '-}';
LPAREN    : '(';
RPAREN    : ')';
LBRACE    : '{';
RBRACE    : '}';
COMMA     : ',';
DOT       : '.';
SEMI      : ';';
STAR      : '*';
PLUS      : '+';
QMARK     : '?';
BAR       : '|';
MINUS     : '-';

DECIMAL : [0-9]+ '.' [0-9]+ ('e' [+-]? [0-9]+)? | [0-9]+ 'e' [+-]? [0-9]+;

INTEGER : [0-9]+;

STRING : '\'' (~'\'' | '\'\'')* '\'';

UNTERMINATED_STRING : '\'' (~'\'' | '\'\'')* EOF;

IDENT : [a-z_] [a-z_0-9]*;

/** `` `from` `` as in Flink SQL; a backquote inside is written twice. */
QUOTED_IDENT : '`' (~[`\r\n] | '``')+ '`';

LINE_COMMENT : '--' ~[\r\n]* -> skip;

BLOCK_COMMENT : '/*' .*? '*/' -> skip;

UNTERMINATED_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'* EOF;

WS : [ \t\r\n\f]+ -> skip;

/** Operators and anything else inside an expression: the expression grammar judges them. */
OTHER : .;
