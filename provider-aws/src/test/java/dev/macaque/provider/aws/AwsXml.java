package dev.macaque.provider.aws;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Canned responses in the wire format of Auto Scaling, EC2 and STS (AWS Query protocol, XML replies). */
final class AwsXml {

    private static final String ASG_NS = "http://autoscaling.amazonaws.com/doc/2011-01-01/";

    private AwsXml() {
    }

    /** One member of a group as DescribeAutoScalingGroups reports it. */
    record Member(String id, String zone, String lifecycle, String health) {
        static Member healthy(String id) {
            return new Member(id, "us-east-1a", "InService", "Healthy");
        }
    }

    /** One group as DescribeAutoScalingGroups reports it. */
    record Group(String name, int desired, Map<String, String> tags, List<Member> members) {
    }

    static String groups(String nextToken, Group... groups) {
        StringBuilder xml = new StringBuilder("<DescribeAutoScalingGroupsResponse xmlns=\"" + ASG_NS + "\">"
                + "<DescribeAutoScalingGroupsResult><AutoScalingGroups>");
        for (Group g : groups) {
            xml.append("<member><AutoScalingGroupName>").append(g.name()).append("</AutoScalingGroupName>")
                    .append("<MinSize>0</MinSize><MaxSize>10</MaxSize><DesiredCapacity>").append(g.desired())
                    .append("</DesiredCapacity><AvailabilityZones><member>us-east-1a</member></AvailabilityZones>")
                    .append("<HealthCheckType>EC2</HealthCheckType><Instances>");
            for (Member m : g.members()) {
                xml.append("<member><InstanceId>").append(m.id()).append("</InstanceId><InstanceType>t3.micro</InstanceType>")
                        .append("<AvailabilityZone>").append(m.zone()).append("</AvailabilityZone><LifecycleState>")
                        .append(m.lifecycle()).append("</LifecycleState><HealthStatus>").append(m.health())
                        .append("</HealthStatus><ProtectedFromScaleIn>false</ProtectedFromScaleIn></member>");
            }
            xml.append("</Instances><CreatedTime>2026-01-01T00:00:00Z</CreatedTime><Tags>");
            new TreeMap<>(g.tags()).forEach((k, v) -> xml.append("<member><ResourceId>").append(g.name())
                    .append("</ResourceId><ResourceType>auto-scaling-group</ResourceType><Key>").append(k)
                    .append("</Key><Value>").append(v).append("</Value><PropagateAtLaunch>true</PropagateAtLaunch></member>"));
            xml.append("</Tags></member>");
        }
        xml.append("</AutoScalingGroups>");
        if (nextToken != null) {
            xml.append("<NextToken>").append(nextToken).append("</NextToken>");
        }
        return xml.append("</DescribeAutoScalingGroupsResult>").append(metadata())
                .append("</DescribeAutoScalingGroupsResponse>").toString();
    }

    /** DescribeAutoScalingInstances: {@code group} null means Auto Scaling does not know the instance. */
    static String autoScalingInstance(String instanceId, String group, String lifecycle) {
        String member = group == null ? "" : "<member><InstanceId>" + instanceId + "</InstanceId>"
                + "<InstanceType>t3.micro</InstanceType><AutoScalingGroupName>" + group + "</AutoScalingGroupName>"
                + "<AvailabilityZone>us-east-1a</AvailabilityZone><LifecycleState>" + lifecycle + "</LifecycleState>"
                + "<HealthStatus>HEALTHY</HealthStatus><ProtectedFromScaleIn>false</ProtectedFromScaleIn></member>";
        return "<DescribeAutoScalingInstancesResponse xmlns=\"" + ASG_NS + "\"><DescribeAutoScalingInstancesResult>"
                + "<AutoScalingInstances>" + member + "</AutoScalingInstances></DescribeAutoScalingInstancesResult>"
                + metadata() + "</DescribeAutoScalingInstancesResponse>";
    }

    static String terminateActivity(String instanceId) {
        return "<TerminateInstanceInAutoScalingGroupResponse xmlns=\"" + ASG_NS + "\">"
                + "<TerminateInstanceInAutoScalingGroupResult><Activity><ActivityId>act-42</ActivityId>"
                + "<AutoScalingGroupName>api</AutoScalingGroupName>"
                + "<Description>Terminating EC2 instance: " + instanceId + "</Description>"
                + "<Cause>instance was taken out of service in response to a user request</Cause>"
                + "<StartTime>2026-01-01T00:00:00Z</StartTime><StatusCode>InProgress</StatusCode><Progress>0</Progress>"
                + "</Activity></TerminateInstanceInAutoScalingGroupResult>" + metadata()
                + "</TerminateInstanceInAutoScalingGroupResponse>";
    }

    /** One EC2 instance as DescribeInstances reports it; {@code launchedBy} null leaves the group tag out. */
    record Ec2Instance(String id, String state, String launchTime, String launchedBy) {
    }

    static String ec2Instances(Ec2Instance... instances) {
        String items = List.of(instances).stream().map(i -> "<item><instanceId>" + i.id() + "</instanceId>"
                + "<imageId>ami-12c6146b</imageId><instanceState><code>16</code><name>" + i.state() + "</name></instanceState>"
                + "<instanceType>t3.micro</instanceType><launchTime>" + i.launchTime() + "</launchTime>"
                + "<placement><availabilityZone>us-east-1a</availabilityZone></placement><tagSet>"
                + (i.launchedBy() == null ? "" : "<item><key>aws:autoscaling:groupName</key><value>" + i.launchedBy() + "</value></item>")
                + "</tagSet></item>").collect(Collectors.joining());
        String reservations = instances.length == 0 ? "" : "<item><reservationId>r-1</reservationId><ownerId>123456789012</ownerId>"
                + "<groupSet/><instancesSet>" + items + "</instancesSet></item>";
        return "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>req-1</requestId>"
                + "<reservationSet>" + reservations + "</reservationSet></DescribeInstancesResponse>";
    }

    static String autoScalingError(String type, String code, String message) {
        return "<ErrorResponse xmlns=\"" + ASG_NS + "\"><Error><Type>" + type + "</Type><Code>" + code + "</Code>"
                + "<Message>" + message + "</Message></Error><RequestId>req-err</RequestId></ErrorResponse>";
    }

    static String ec2Error(String code, String message) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>" + code + "</Code><Message>"
                + message + "</Message></Error></Errors><RequestID>req-err</RequestID></Response>";
    }

    static String assumeRole(String accessKeyId) {
        return "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials>"
                + "<AccessKeyId>" + accessKeyId + "</AccessKeyId><SecretAccessKey>assumed-secret</SecretAccessKey>"
                + "<SessionToken>assumed-session-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>"
                + "</Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/macaque/chaos-run</Arn>"
                + "<AssumedRoleId>AROAEXAMPLE:chaos-run</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>"
                + metadata() + "</AssumeRoleResponse>";
    }

    private static String metadata() {
        return "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>";
    }
}
