// The consumer converged (else the build fails) and its test on the sandbox ran and passed.
def report = new File(basedir, 'target/surefire-reports/TEST-com.example.consumer.TaskReachesMemberTest.xml')
assert report.isFile() : "no test report at ${report}: the consumer's sandbox test did not run"
def suite = new groovy.xml.XmlSlurper().parse(report)
assert suite.@tests.text() == '1' && suite.@failures.text() == '0' && suite.@errors.text() == '0' &&
    suite.@skipped.text() == '0' : "the consumer's test did not pass: ${report}"
