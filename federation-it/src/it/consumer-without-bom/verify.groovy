// Without the BOM a consumer does not converge, exactly on what fleetfed-bom aligns (besides fleetfed's modules).
def log = new File(basedir, 'build.log').text
def found = (log =~ /Dependency convergence error for ([^:\s]+:[^:\s]+):/).collect { it[1] } as Set
def expected = ['org.slf4j:slf4j-api', 'com.google.code.findbugs:jsr305',
                'com.fasterxml.jackson.core:jackson-databind', 'com.fasterxml.jackson.core:jackson-core'] as Set
assert found == expected : "dependencyConvergence without fleetfed-bom named ${found}, expected ${expected}; " +
    "see ${basedir}/build.log and align in fleetfed-bom/pom.xml what a consumer now needs aligned"
