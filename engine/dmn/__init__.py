"""DMN 1.5 XML interchange: the decision tables out as a DMN model, a DMN model in as workbooks."""

DMN_NS = "https://www.omg.org/spec/DMN/20230324/MODEL/"
FEEL_NS = "https://www.omg.org/spec/DMN/20230324/FEEL/"
# nareis' own extension namespace: what DMN cannot say (entity scope, motivations, Toon bij, layout, the sheets that
# are no decision table), so that export -> import gives the same workbooks.
NAREIS_NS = "urn:nareis:dmn:1"
