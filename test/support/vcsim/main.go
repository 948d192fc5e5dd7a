// Command hafen-vcsim runs govmomi's in-memory vCenter simulator for Hafen's vSphere
// client tests.
//
// Contract with test/support/vcsim.ts:
//   - listens on -listen (default 127.0.0.1 with a kernel-chosen port), plain HTTP or,
//     with -tls, HTTPS with a fresh self-signed certificate for 127.0.0.1;
//   - accepts exactly one login: VCSIM_USERNAME / VCSIM_PASSWORD from the environment
//     (a random password when unset), so a wrong password gets an InvalidLogin fault;
//   - prepares one template VM at DC0/vm/<-template> (powered off, marked as template);
//   - prints one JSON line on stdout once it serves (see readyLine), nothing else there;
//   - exits, removing its temporary datastore directories, on SIGTERM, SIGINT or when
//     stdin reaches EOF (so it dies with the test runner that started it).
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/simulator"
)

// readyLine is the single stdout line; inventory paths are FindByInventoryPath paths.
type readyLine struct {
	URL          string `json:"url"`
	Username     string `json:"username"`
	Password     string `json:"password"`
	CaPem        string `json:"caPem,omitempty"`
	Datacenter   string `json:"datacenter"`
	Template     string `json:"template"`
	VMFolder     string `json:"vmFolder"`
	ResourcePool string `json:"resourcePool"`
	Datastore    string `json:"datastore"`
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "host:port to listen on")
	useTLS := flag.Bool("tls", false, "serve HTTPS with a fresh self-signed certificate")
	template := flag.String("template", "hafen-template", "name of the template VM to prepare")
	flag.Parse()
	if err := run(*listen, *useTLS, *template); err != nil {
		fmt.Fprintln(os.Stderr, "hafen-vcsim:", err)
		os.Exit(1)
	}
}

func run(listen string, useTLS bool, template string) error {
	username := envOr("VCSIM_USERNAME", "hafen@vsphere.local")
	password := os.Getenv("VCSIM_PASSWORD")
	if password == "" {
		password = randomHex(16)
	}

	model := simulator.VPX()
	if err := model.Create(); err != nil {
		return fmt.Errorf("create model: %w", err)
	}
	defer model.Remove()

	model.Service.Listen = &url.URL{Host: listen, User: url.UserPassword(username, password)}
	ready := readyLine{
		Username: username, Password: password,
		Datacenter: "DC0", Template: "DC0/vm/" + template, VMFolder: "DC0/vm",
		ResourcePool: "DC0/host/DC0_C0/Resources", Datastore: "DC0/datastore/LocalDS_0",
	}
	if useTLS {
		cfg, caPem, err := selfSigned()
		if err != nil {
			return err
		}
		model.Service.TLS = cfg
		ready.CaPem = caPem
	}
	server := model.Service.NewServer()
	defer server.Close()

	if err := prepareTemplate(server.URL, template); err != nil {
		return fmt.Errorf("prepare template: %w", err)
	}
	public := *server.URL
	public.User = nil
	ready.URL = public.String()
	line, _ := json.Marshal(ready)
	fmt.Println(string(line))

	waitForExit()
	return nil
}

// prepareTemplate turns the model's first standalone-host VM into a powered-off
// template with the given name, through the simulator's own SOAP endpoint.
func prepareTemplate(u *url.URL, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		return err
	}
	defer func() { _ = c.Logout(ctx) }()

	finder := find.NewFinder(c.Client, true)
	vm, err := finder.VirtualMachine(ctx, "/DC0/vm/DC0_H0_VM0")
	if err != nil {
		return err
	}
	task, err := vm.PowerOff(ctx)
	if err != nil {
		return err
	}
	if err = task.Wait(ctx); err != nil {
		return err
	}
	if task, err = vm.Rename(ctx, name); err != nil {
		return err
	}
	if err = task.Wait(ctx); err != nil {
		return err
	}
	return vm.MarkAsTemplate(ctx)
}

// selfSigned makes an ECDSA certificate for 127.0.0.1 that is its own CA, so a client
// can verify the server by trusting exactly this PEM.
func selfSigned() (*tls.Config, string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, "", err
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "hafen-vcsim"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, "", err
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	caPem := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return &tls.Config{Certificates: []tls.Certificate{cert}}, string(caPem), nil
}

func waitForExit() {
	done := make(chan struct{}, 2)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() { <-sigs; done <- struct{}{} }()
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); done <- struct{}{} }()
	<-done
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
